// The body of a planning worker thread: solves what the parent sends and posts the answer.
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../core/index.ts';
import { compareScenarios, type WhatIf } from './scenarios.ts';
import { type SolveOptions, solvePlan } from './sitemix.ts';
import type { PlanInput } from './sitemix-input.ts';

interface Task {
  input: PlanInput;
  whatIfs: WhatIf[] | null;
  options: SolveOptions;
}

const task = workerData.task as Task;
try {
  const answer =
    task.whatIfs === null
      ? { plan: await solvePlan(task.input, task.options), scenarios: null }
      : await compareScenarios(task.input, task.whatIfs, task.options).then((c) => ({
          plan: c.bestshore,
          scenarios: c.rows,
        }));
  parentPort?.postMessage({ ok: true, answer });
} catch (error) {
  parentPort?.postMessage({
    ok: false,
    error:
      error instanceof DomainError
        ? { domain: true, code: error.code, message: error.message, issues: error.issues }
        : { domain: false, message: error instanceof Error ? error.message : String(error) },
  });
}
