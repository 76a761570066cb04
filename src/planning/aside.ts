// Planning off the main thread: HiGHS solves synchronously (seconds for a week), so a server
// plans in a worker thread and keeps answering meanwhile.
import { Worker } from 'node:worker_threads';
import { DomainError, type ErrorCode, type FieldIssue } from '../core/index.ts';
import type { ScenarioRow, WhatIf } from './scenarios.ts';
import type { PlanResult, SolveOptions } from './sitemix.ts';
import type { PlanInput } from './sitemix-input.ts';

type Failure =
  | { domain: true; code: ErrorCode; message: string; issues: FieldIssue[] }
  | { domain: false; message: string };
type Reply =
  | { ok: true; answer: { plan: PlanResult; scenarios: ScenarioRow[] | null } }
  | { ok: false; error: Failure };

/**
 * Solves a plan in a worker thread — with `whatIfs`, compares the scenarios too (all onshore,
 * all offshore and each what-if) — and resolves with the same answer `solvePlan` and
 * `compareScenarios` give. A validation error in the worker comes back as the same DomainError.
 * Plans asked at once are solved one after the other.
 */
export function planAside(
  input: PlanInput,
  whatIfs: WhatIf[] | null,
  options: SolveOptions = {},
): Promise<{ plan: PlanResult; scenarios: ScenarioRow[] | null }> {
  // One plan at a time per process: a week's program takes most of a gigabyte while it solves.
  const turn = queue.then(() => solveInWorker(input, whatIfs, options));
  queue = turn.catch(() => undefined);
  return turn;
}

let queue: Promise<unknown> = Promise.resolve();

function solveInWorker(
  input: PlanInput,
  whatIfs: WhatIf[] | null,
  options: SolveOptions,
): Promise<{ plan: PlanResult; scenarios: ScenarioRow[] | null }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: {
        module: new URL('./plan-worker.ts', import.meta.url).href,
        task: { input, whatIfs, options },
      },
    });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(reply.answer);
      else if (reply.error.domain)
        reject(new DomainError(reply.error.code, reply.error.message, reply.error.issues));
      else reject(new Error(`planning failed: ${reply.error.message}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the planning worker stopped with code ${code} before answering`));
    });
  });
}
