import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envWithPlan } from '../src/exec.js';
import { formatEnv, parseShell } from '../src/format-env.js';
import type { EnvPlan, PlanEntry } from '../src/types.js';

const e = (
  name: string,
  value: string,
  action: PlanEntry['action'] = 'set',
  current: string | null = null,
): PlanEntry => ({
  name,
  value,
  action,
  reason: `why ${name}`,
  source: 'test',
  current,
});

const PLAN: EnvPlan = {
  entries: [
    e('HSA_OVERRIDE_GFX_VERSION', '10.3.0'),
    e('MIOPEN_USER_DB_PATH', "/tmp/it's here/db", 'keep', "/tmp/it's here/db"),
    e('PYTORCH_HIP_ALLOC_CONF', 'garbage_collection_threshold:0.8,max_split_size_mb:128'),
    e('ROCR_VISIBLE_DEVICES', '1', 'conflict', '0'),
  ],
  findings: [],
};

describe('formatEnv', () => {
  it('sh: exports that eval back to the exact values; conflicts stay comments', () => {
    const text = formatEnv(PLAN, 'sh');
    expect(text).toContain("export HSA_OVERRIDE_GFX_VERSION='10.3.0'");
    expect(text).toContain('# ROCR_VISIBLE_DEVICES: kept your value "0"');
    const out = spawnSync('sh', ['-c', `${text}\nenv`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ROCR_VISIBLE_DEVICES: '0' },
    });
    expect(out.status).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines).toContain("MIOPEN_USER_DB_PATH=/tmp/it's here/db");
    expect(lines).toContain('PYTORCH_HIP_ALLOC_CONF=garbage_collection_threshold:0.8,max_split_size_mb:128');
    expect(lines).toContain('ROCR_VISIBLE_DEVICES=0');
  });

  it('fish, powershell, dotenv, json', () => {
    expect(formatEnv(PLAN, 'fish')).toContain("set -gx MIOPEN_USER_DB_PATH '/tmp/it\\'s here/db'");
    expect(formatEnv(PLAN, 'powershell')).toContain("$env:MIOPEN_USER_DB_PATH = '/tmp/it''s here/db'");
    expect(formatEnv(PLAN, 'dotenv')).toContain('MIOPEN_USER_DB_PATH="/tmp/it\'s here/db"');
    expect(formatEnv(PLAN, 'dotenv')).toContain('HSA_OVERRIDE_GFX_VERSION=10.3.0');
    expect(JSON.parse(formatEnv(PLAN, 'json'))).toEqual({
      HSA_OVERRIDE_GFX_VERSION: '10.3.0',
      MIOPEN_USER_DB_PATH: "/tmp/it's here/db",
      PYTORCH_HIP_ALLOC_CONF: 'garbage_collection_threshold:0.8,max_split_size_mb:128',
    });
  });

  it('an empty plan says so', () => {
    expect(formatEnv({ entries: [], findings: [] }, 'sh')).toBe('# nothing to set for this machine\n');
    expect(formatEnv({ entries: [], findings: [] }, 'json')).toBe('{}\n');
  });

  it('unknown shells are a RangeError naming the option; aliases work', () => {
    expect(() => formatEnv(PLAN, 'tcsh')).toThrow(
      /--shell must be one of sh, fish, powershell, dotenv, json.*"tcsh"/,
    );
    expect(parseShell('bash')).toBe('sh');
    expect(parseShell('pwsh')).toBe('powershell');
  });

  it('envWithPlan gives set and keep values, never over a conflict', () => {
    const env = envWithPlan(PLAN, { ROCR_VISIBLE_DEVICES: '0', OTHER: 'x' });
    expect(env).toMatchObject({ ROCR_VISIBLE_DEVICES: '0', OTHER: 'x', HSA_OVERRIDE_GFX_VERSION: '10.3.0' });
  });
});
