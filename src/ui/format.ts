/** 0x1234…abcd: enough to recognise an address, short enough for a 360 px popup. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** A date and time in the person's own locale: "Dec 7, 2:00 PM", "7 Dec, 14:00". */
export const localDate = (unixSeconds: number): string =>
  new Date(unixSeconds * 1000).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });
