// A permission as the grant window and the sessions list show it. The words are the kind's own
// (permissions/kinds.ts); this file only knows which contracts and tokens the wallet can name, and
// how a list of functions is drawn: the wallet's trusted name with the selector beside it, in red
// when the function moves tokens or controls the account.
import type { Hex } from 'viem';
import { describePermission, type DescribeContext, type PermissionDescription } from '../permissions/kinds';
import { functionLabel } from '../permissions/known-functions';
import type { SerializedPermission } from '../permissions/serialize';
import { parsePermission } from '../permissions/validate';
import { knownContractName, knownToken } from './describe-call';

/** What the windows know to describe permissions on `chainId`: the wallet's own contracts and tokens. */
export function describeContext(chainId: number, nativeSymbol: string, backend?: 'delegation' | 'alchemy'): DescribeContext {
  return {
    nativeSymbol,
    contractName: (address) => knownContractName(chainId, address),
    token: (address) => knownToken(chainId, address),
    ...(backend === undefined ? {} : { backend }),
  };
}

/**
 * The description of a permission as the background sent it. It is read back with the grant-time
 * checks (parsePermission), as everything that crosses into a window is; the background only
 * sends permissions it validated, so a failure here is shown rather than hidden.
 */
export function describeSerialized(permission: SerializedPermission, ctx: DescribeContext): PermissionDescription {
  try {
    return describePermission(parsePermission(permission), ctx);
  } catch (error) {
    return { title: [`${permission.type} (cannot be shown: ${(error as Error).message})`], lines: [] };
  }
}

/**
 * Functions by the wallet's own name (the known-functions table), the selector always beside it:
 * a name the site sent is only shown, marked as the site's, when the wallet knows none.
 */
export function Functions({ list }: { list: readonly { selector: Hex; signature?: string }[] }) {
  return (
    <>
      {list.map((f, i) => {
        const label = functionLabel(f);
        return (
          <span key={f.selector}>
            {i > 0 && ', '}
            <span class={label.category === 'token-moving' || label.category === 'account-control' ? 'fn-danger' : undefined}>{label.name}</span>{' '}
            <code class="fn-selector">{label.selector}</code>
            {!label.trusted && label.name !== 'unknown function' && <span class="small muted"> (name given by the site)</span>}
          </span>
        );
      })}
    </>
  );
}

/** The title, function lists drawn with Functions, then any further sentences. */
export function PermissionText({ description }: { description: PermissionDescription }) {
  return (
    <>
      {description.title.map((part, i) => (typeof part === 'string' ? part : <Functions key={i} list={part.functions} />))}
      {description.lines.length > 0 && '.'}
      {description.lines.map((line) => (
        <span key={line} class="small muted">
          {' '}
          {line}
        </span>
      ))}
    </>
  );
}
