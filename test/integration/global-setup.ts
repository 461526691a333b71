// Starts one devnet for the whole `integration` project (port DEVNET_TEST_PORT, default 18545 so it
// never fights with a developer's `npm run devnet` on 8545) and hands its RPC URL to the tests.
import type { TestProject } from 'vitest/node';
import { startDevnet } from '../../devnet/index';

declare module 'vitest' {
  export interface ProvidedContext {
    rpcUrl: string;
  }
}

export const DEVNET_TEST_DEFAULT_PORT = 18545;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = Number(process.env.DEVNET_TEST_PORT ?? DEVNET_TEST_DEFAULT_PORT);
  // Never rewrite the committed deployment.json from a test run: devnet.test.ts checks it is current.
  const devnet = await startDevnet({ port, quiet: true, writeDeploymentFile: false });
  const how = devnet.reused ? 'reusing the devnet already running' : `started in ${devnet.timings.totalMs.toFixed(0)} ms`;
  console.log(`[integration] devnet ${devnet.rpcUrl}: ${how}`);
  project.provide('rpcUrl', devnet.rpcUrl);
  return () => devnet.stop();
}
