// What a request asks, in plain words.
import { useEffect, useState } from 'preact/hooks';
import { getAddress, hexToString, type Address } from 'viem';
import type { ApprovalRequest } from '../../approvals/types';
import { parseSiweMessage, siweWarnings } from '../../signing/siwe';
import { callWallet } from '../wallet-api';
import { describeCall } from '../describe-call';
import { GrantDetails, type GrantScopeView } from './GrantDetails';
import { SimulationDetails } from './SimulationDetails';
import { DangerBanner, type ApproveGuard } from './DangerBanner';
import { SendCallsDanger, TypedDataDetails, useOwnerAddress } from './DangerDetails';

function readableMessage(hex: `0x${string}`): { text: string; isText: boolean } {
  try {
    const text = hexToString(hex);
    // Printable text (with newlines) is shown as text; anything else as hex.
    if (/^[\x20-\x7E\n\r\t\u00A0-\uFFFF]*$/.test(text) && !text.includes('\uFFFD')) return { text, isText: true };
  } catch {
    // not UTF-8
  }
  return { text: hex, isText: false };
}

function SignMessageDetails({ request }: { request: Extract<ApprovalRequest, { kind: 'signMessage' }> }) {
  const account = useOwnerAddress();
  const { text, isText } = readableMessage(request.message);
  const siwe = isText ? parseSiweMessage(text) : undefined;
  const warnings = siwe ? siweWarnings(siwe, { origin: request.origin, ...(account ? { account } : {}) }) : [];
  return (
    <div class="stack">
      {warnings.length > 0 && <DangerBanner title="Check before you sign in" lines={warnings} testId="siwe-warning" />}
      <p class="small muted" data-testid="approval-message-kind">
        {siwe ? 'Sign-in message' : isText ? 'Message' : `Not text: ${(request.message.length - 2) / 2} bytes, shown as hex. Sign only if you know what these bytes are for.`}
      </p>
      <pre class="message" data-testid="approval-message">
        {text}
      </pre>
    </div>
  );
}

export function RequestDetails({ request, onEdits, onGuard }: { request: ApprovalRequest; onEdits: (e: unknown) => void; onGuard?: (g: ApproveGuard) => void }) {
  switch (request.kind) {
    case 'connect':
      return (
        <p class="muted">
          The site will see your account address and may ask for transactions, signatures and sessions. Each of those still needs your approval or a
          session you grant.
        </p>
      );
    case 'switchChain':
      return (
        <p>
          Switch the wallet to <strong>{request.chainName}</strong> (chain {request.chainId}).
        </p>
      );
    case 'addChain':
      return (
        <div class="stack">
          {request.warnings?.map((w) => (
            <DangerBanner
              key={w.kind}
              testId={`add-chain-warning-${w.kind}`}
              title={w.kind === 'impostor' ? 'This may be a fake network' : 'Unencrypted connection'}
              lines={[w.text]}
            />
          ))}
          <p class="small muted">The site asks to add this network and switch the wallet to it. Its RPC answered with chain {request.chain.id}.</p>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{request.chain.name}</dd>
          <dt>Chain id</dt>
          <dd>{request.chain.id}</dd>
          <dt>RPC</dt>
          <dd class="mono">{request.chain.rpcUrl}</dd>
          <dt>Currency</dt>
          <dd>{request.chain.symbol}</dd>
        </dl>
        </div>
      );
    case 'sendCalls': {
      const total = request.calls.reduce((sum, c) => sum + BigInt(c.value), 0n);
      return (
        <div class="stack">
          <SendCallsDanger chainId={request.chainId} calls={request.calls} onGuard={onGuard} />
          <SimulationDetails chainId={request.chainId} simulation={request.simulation} account={request.account} chainName={request.chainName} />
          <p class="small muted" data-testid="approval-why">
            {request.whyNoSession}
          </p>
          <ol class="call-list" data-testid="approval-calls">
            {request.calls.map((c, i) => {
              const d = describeCall(request.chainId, c);
              return (
                <li key={i}>
                  <div class="row">
                    <strong title={d.targetAddress ?? undefined}>{d.target}</strong>
                    {d.value && <span class="pill warn">{d.value}</span>}
                  </div>
                  <span class={`mono small${d.category === 'token-moving' || d.category === 'account-control' ? ' fn-danger' : ''}`} data-testid="call-action">
                    {d.action}
                  </span>
                  {/* The whole address: a 0x1234…abcd look-alike costs an attacker seconds to make. */}
                  {d.targetAddress ? (
                    <span class="fn-selector mono" data-testid="call-target-address">to {getAddress(d.targetAddress)}</span>
                  ) : (
                    <span class="fn-selector" data-testid="call-deploy-note">
                      Creates a new contract from your account, which becomes its deployer.{BigInt(c.value) > 0n ? ' The value goes to the new contract.' : ''} Only deploy code you trust.
                    </span>
                  )}
                  {d.selector && <span class="fn-selector">selector {d.selector}{d.category === 'token-moving' ? ' · moves or approves tokens' : ''}</span>}
                </li>
              );
            })}
          </ol>
          {total > 0n && <p class="small">Total value: {describeCall(request.chainId, { value: total, data: '0x' }).value}</p>}
          {/* A deployment is always alone (rpc/methods/calls.ts): there is nothing to say about the others. */}
          {!request.calls.some((c) => c.to === undefined) && <p class="small muted">{request.atomic ? 'All calls succeed or none does.' : 'Calls are sent one after another.'}</p>}
        </div>
      );
    }
    case 'signMessage':
      return <SignMessageDetails request={request} />;
    case 'signTypedData':
      return <TypedDataDetails typedData={request.typedData} tokens={request.tokens} onGuard={onGuard} />;
    case 'watchAsset':
      return (
        <div class="stack">
          <dl class="facts" data-testid="watch-asset-facts">
            <dt>Token</dt>
            <dd data-testid="watch-asset-symbol">{request.token.symbol}</dd>
            <dt>Name</dt>
            <dd>{request.token.name}</dd>
            <dt>Decimals</dt>
            <dd data-testid="watch-asset-decimals">{request.token.decimals}</dd>
            <dt>Contract</dt>
            <dd class="mono" data-testid="watch-asset-address">{request.token.address}</dd>
            <dt>Network</dt>
            <dd>chain {request.chainId}</dd>
          </dl>
          <p class="small muted">
            Read from the token's contract, not from the site. Adding it only shows its balance in your wallet: the site gets no access to your tokens and
            nothing is sent.
          </p>
          <p class="small muted">Anyone can make a token with any name or symbol. Check the contract address before you rely on it.</p>
        </div>
      );
    case 'grantPermissions':
      return <GrantDetails scope={request.scope as GrantScopeView} chainId={request.chainId} backend={request.backend ?? 'delegation'} onEdits={onEdits} onGuard={onGuard} />;
  }
}


