/** 0x1234…abcd: enough to recognise an address, short enough for a 360 px popup. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
