// A LocalAccount wrapper that signs only what the backend decided to sign. Every signature the
// Alchemy backend makes is over something Alchemy's server returned (the grant's typed data, the
// prepared operation's digest, the authorization), so the backend signs through this signer and
// arms it, per operation, with the exact digests / authorization / typed-data check it verified.
import { hashMessage, isAddressEqual, type Address, type Hex, type LocalAccount, type SignableMessage, type TypedDataDefinition } from 'viem';
import { toAccount } from 'viem/accounts';
import { TransactionRejectedError } from '../../errors';

export interface SigningPolicy {
  /** personal_sign digests (hashMessage of what the SDK asks to sign) that may be signed. */
  messages?: Hex[];
  /** The one 7702 authorization that may be signed. */
  authorization?: { address: Address; chainId: number; nonce: number };
  /** Throws if the typed data may not be signed. Absent: no typed data is signed. */
  typedData?: (typed: TypedDataDefinition) => void;
}

export class UnexpectedSignatureRequestError extends TransactionRejectedError {
  constructor(what: string) {
    super(`Refused to sign: the Alchemy Wallet API asked for a signature the wallet did not expect (${what}).`);
  }
}

export interface GuardedSigner {
  account: LocalAccount;
  arm(policy: SigningPolicy): void;
  disarm(): void;
}

export function guardedSigner(inner: LocalAccount): GuardedSigner {
  let policy: SigningPolicy = {};
  const account = toAccount({
    address: inner.address,
    async signMessage({ message }: { message: SignableMessage }) {
      const digest = hashMessage(message);
      if (!policy.messages?.includes(digest)) throw new UnexpectedSignatureRequestError(`personal_sign of ${digest}`);
      return inner.signMessage({ message });
    },
    async signTypedData(typed) {
      const def = typed as TypedDataDefinition;
      if (!policy.typedData) throw new UnexpectedSignatureRequestError(`typed data ${String(def.primaryType)}`);
      policy.typedData(def);
      return inner.signTypedData(def);
    },
    async signTransaction() {
      throw new UnexpectedSignatureRequestError('a raw transaction');
    },
    async signAuthorization(auth) {
      const want = policy.authorization;
      const address = ('address' in auth ? auth.address : auth.contractAddress) as Address;
      if (!want || !isAddressEqual(address, want.address) || auth.chainId !== want.chainId || auth.nonce !== want.nonce) {
        throw new UnexpectedSignatureRequestError(`a 7702 authorization to ${address} on chain ${auth.chainId} with nonce ${auth.nonce}`);
      }
      if (!inner.signAuthorization) throw new UnexpectedSignatureRequestError('an authorization this key cannot sign');
      return inner.signAuthorization(auth);
    },
  });
  return {
    account,
    arm: (p) => void (policy = p),
    disarm: () => void (policy = {}),
  };
}
