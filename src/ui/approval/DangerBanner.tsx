// The one red banner of the approval window: what a request can take from the owner, in plain words.
// Every danger (unlimited approvals, operator approvals, permits, full-access and token-moving
// sessions, fake networks, suspicious sign-ins) uses it, so a person learns one look for "stop and
// read". `children`: a deliberate confirmation (a checkbox) where the danger needs one.
import type { ComponentChildren } from 'preact';

export function DangerBanner({ title, lines, testId, children }: { title: string; lines: string[]; testId: string; children?: ComponentChildren }) {
  return (
    <div class="warning" role="alert" data-testid={testId}>
      <strong>{title}</strong>
      {lines.map((line, i) => (
        <p key={i}>{line}</p>
      ))}
      {children}
    </div>
  );
}

/**
 * What a request's details tell the window about its Approve button: the words it says and whether
 * it is red (a danger), and `blocked` while something must happen first (typed data not read to the
 * end). Window-only: the background never relies on it (it checks its own confirmations).
 */
export interface ApproveGuard {
  label?: string;
  danger?: boolean;
  blocked?: boolean;
}
