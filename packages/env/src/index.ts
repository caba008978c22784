export { archFromGfxTargetVersion, archOfGfxVersion, gfxVersionOfArch, normalizeArch } from './arch.js';
export { type CliIo, type CommonCliOptions, main, runDoctor, runEnv, runExec, USAGE } from './cli-main.js';
export { type CommandOutput, type CommandRunner, systemCommandRunner } from './commands.js';
export { type DetectOptions, detect, isIntegrated } from './detect.js';
export { type DoctorJson, doctorFindings, doctorJson, formatDoctor } from './doctor.js';
export { isRelevantVariable, relevantEnv } from './env-vars.js';
export { type ExecOptions, envWithPlan, execWithPlan } from './exec.js';
export { formatEnv, parseShell, SHELLS, type Shell } from './format-env.js';
export {
  ARCH_KNOWLEDGE,
  type ArchKnowledge,
  archKnowledge,
  archKnowledgeByPciId,
  type GpuFamily,
  type KnownProblem,
  knownProblems,
  PROBLEM_MIOPEN_CONV_HANG,
  PROBLEM_MIOPEN_WINOGRAD_FAULT,
  type Remedy,
} from './knowledge.js';
export { checkOptionKeys, formatValue, nearestName } from './options.js';
export { parseRocmSmi, type RocmSmiCard, type RocmSmiResult } from './parse-rocm-smi.js';
export { parseRocminfo, type RocminfoAgent, type RocminfoResult } from './parse-rocminfo.js';
export { type PlanOptions, planEnvironment } from './plan.js';
export { runtimeArch } from './runtime-arch.js';
export {
  appliedEnvironment,
  loadedGpuRuntimes,
  markGpuRuntimeLoaded,
  type SetupOptions,
  type SetupResult,
  setupEnvironment,
} from './setup.js';
export type * from './types.js';
