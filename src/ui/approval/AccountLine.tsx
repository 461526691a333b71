// Which account and network a connect or a signature is for, in one line under the window's title:
// with several wallets or networks a person should never have to guess what they are signing with.
import { useEffect, useState } from 'preact/hooks';
import { shortAddress } from '../format';
import { callWallet } from '../wallet-api';

export function AccountLine({ address }: { address: string }) {
  const [network, setNetwork] = useState<string | null>(null);
  useEffect(() => {
    // The wallet's current network: the one the site sees (eth_chainId) and signs for.
    callWallet('network.list')
      .then(({ current, chains }) => setNetwork(chains.find((c) => c.id === current)?.name ?? `chain ${current}`))
      .catch(() => setNetwork(null));
  }, []);
  return (
    <p class="small muted" data-testid="approval-account">
      Account{' '}
      <span class="mono" title={address}>
        {shortAddress(address)}
      </span>
      {network && (
        <>
          {' '}
          on <strong>{network}</strong>
        </>
      )}
    </p>
  );
}
