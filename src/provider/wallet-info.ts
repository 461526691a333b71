// EIP-6963 identity of the wallet. The uuid is made fresh per page load, as EIP-6963 asks.
export const WALLET_NAME = 'Session Key Wallet';
export const WALLET_RDNS = 'app.sessionkeywallet';

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96">' +
  '<rect width="96" height="96" rx="22" fill="#4338ca"/>' +
  '<circle cx="38" cy="48" r="16" fill="none" stroke="#fff" stroke-width="8"/>' +
  '<path d="M53 48h28M70 48v12M80 48v9" stroke="#fff" stroke-width="8" stroke-linecap="round"/>' +
  '</svg>';

export const WALLET_ICON = `data:image/svg+xml;base64,${btoa(ICON_SVG)}`;
export const WALLET_ICON_SVG = ICON_SVG;
