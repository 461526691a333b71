// The local devnet in one call: anvil (started here, or reused when a deployed devnet of ours is
// already on the port) + the Delegation Framework and demo contracts + a funded demo owner.
// Node only (spawns anvil). Browser code imports devnet/deployment.json, devnet/deployment.ts,
// devnet/constants.ts or devnet/fund.ts instead.
import { startAnvil, type AnvilExit } from './anvil';
import { DEMO_OWNER, DEVNET_CHAIN_ID, DEVNET_DEFAULT_PORT } from './constants';
import { deployDevnet, fundDemoOwner, isDeployedDevnet, type DeployReport } from './deploy';
import type { DevnetDeployment } from './deployment';
import type { Balances } from './fund';

export { DEVNET_DEFAULT_PORT, DEVNET_CHAIN_ID, DEMO_OWNER } from './constants';
export { AnvilStartError, PortInUseError, probePort, resolveAnvilBinary } from './anvil';
export { deployDevnet, fundAddress, ensureFunded, isDeployedDevnet, planDevnet, type DeployReport } from './deploy';
export { parseDeployment, CAVEAT_ENFORCER_NAMES, type DevnetDeployment, type CaveatEnforcerName } from './deployment';

export interface StartDevnetOptions {
  /** Default DEVNET_DEFAULT_PORT (8545). */
  port?: number;
  /** Default true: anvil prints nothing (its stderr is still captured for errors). */
  quiet?: boolean;
  /**
   * Default true: rewrite devnet/deployment.json when the computed addresses differ from it.
   * Tests pass false so that a stale committed file fails a test instead of being silently fixed.
   */
  writeDeploymentFile?: boolean;
}

export interface Devnet {
  rpcUrl: string;
  chainId: typeof DEVNET_CHAIN_ID;
  deployment: DevnetDeployment;
  /** True when an already-running devnet was found on the port and reused (stop() leaves it up). */
  reused: boolean;
  /** Pid of the anvil this call started; undefined when reused. */
  anvilPid: number | undefined;
  /** Resolves if the anvil this call started exits (crash or stop); undefined when reused. */
  exited: Promise<AnvilExit> | undefined;
  /** The demo owner (anvil dev account #1) and its balances after funding. */
  demoOwner: { address: typeof DEMO_OWNER.address; balances: Balances };
  timings: { anvilMs: number; deployMs: number; fundMs: number; totalMs: number };
  deploy: Pick<DeployReport, 'deployed' | 'skipped' | 'deploymentFileWritten'>;
  /** Stops anvil if this call started it and waits until the process is gone. */
  stop(): Promise<void>;
}

/**
 * Starts (or reuses) the devnet on 127.0.0.1:`port`, deploys everything missing and funds the demo
 * owner. Throws PortInUseError when the port is held by anything but a deployed devnet of ours,
 * AnvilStartError when anvil fails to start; in both cases no anvil is left running.
 */
export async function startDevnet(opts: StartDevnetOptions = {}): Promise<Devnet> {
  const { port = DEVNET_DEFAULT_PORT, quiet = true, writeDeploymentFile = true } = opts;
  const t0 = performance.now();
  const anvil = await startAnvil({ port, quiet, isReusable: isDeployedDevnet });
  const t1 = performance.now();
  try {
    const report = await deployDevnet(anvil.rpcUrl, { writeDeploymentFile });
    const t2 = performance.now();
    const balances = await fundDemoOwner(anvil.rpcUrl, report.deployment);
    const t3 = performance.now();
    return {
      rpcUrl: anvil.rpcUrl,
      chainId: DEVNET_CHAIN_ID,
      deployment: report.deployment,
      reused: anvil.reused,
      anvilPid: anvil.pid,
      exited: anvil.exited,
      demoOwner: { address: DEMO_OWNER.address, balances },
      timings: { anvilMs: t1 - t0, deployMs: t2 - t1, fundMs: t3 - t2, totalMs: t3 - t0 },
      deploy: { deployed: report.deployed, skipped: report.skipped, deploymentFileWritten: report.deploymentFileWritten },
      stop: anvil.stop,
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
