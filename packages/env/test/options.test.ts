import { describe, expect, it } from 'vitest';
import { detect } from '../src/detect.js';
import { execWithPlan } from '../src/exec.js';
import { checkOptionKeys, formatValue, nearestName } from '../src/options.js';
import { planEnvironment } from '../src/plan.js';
import { setupEnvironment } from '../src/setup.js';
import { homeEnv, makeTree } from './helpers/tree.js';

describe('checkOptionKeys / nearestName', () => {
  it('suggests the nearest known name: other case, a typo, a missing letter, a longer name', () => {
    expect(nearestName('conVBypass', ['environment', 'convBypass', 'backend'])).toBe('convBypass');
    expect(nearestName('numWorker', ['numWorkers', 'prefetchFactor'])).toBe('numWorkers');
    expect(nearestName('strides', ['stride', 'padding', 'dilation'])).toBe('stride');
    expect(nearestName('pading', ['stride', 'padding'])).toBe('padding');
    expect(nearestName('timeout', ['timeoutMs', 'seed'])).toBe('timeoutMs');
    expect(nearestName('maxRestart', ['maxRestarts', 'size'])).toBe('maxRestarts');
    expect(nearestName('colour', ['batchSize', 'dataset'])).toBeUndefined();
    expect(nearestName('x', ['batchSize'])).toBeUndefined();
  });

  it('throws a TypeError naming the function, the argument, the key, the suggestion and the known keys', () => {
    expect(() =>
      checkOptionKeys('new DataLoader', 'options', { numWorker: 4 }, ['dataset', 'numWorkers']),
    ).toThrow(
      new TypeError(
        'new DataLoader: options.numWorker is not an option — did you mean options.numWorkers? (options takes dataset, numWorkers)',
      ),
    );
    expect(() => checkOptionKeys('f', 'options', { zzz: 1 }, ['a'])).toThrow(
      new TypeError('f: options.zzz is not an option (options takes a)'),
    );
  });

  it('accepts known keys, known keys set to undefined, and symbol keys', () => {
    expect(() =>
      checkOptionKeys('f', 'options', { a: 1, b: undefined, [Symbol('s')]: 1 }, ['a', 'b']),
    ).not.toThrow();
  });
});

describe('formatValue', () => {
  it('quotes strings, so a string "1" is not shown as the number 1', () => {
    expect(formatValue('1')).toBe('"1"');
    expect(formatValue(1)).toBe('1');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(2n)).toBe('2n');
    expect(formatValue([1, '2'])).toBe('[1,"2"]');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(new Date(0))).toBe('a Date');
    expect(formatValue(new Error('x'))).toBe('an Error');
    expect(formatValue(() => 1)).toBe('a function');
    expect(formatValue(new Array(100).fill(0))).toBe('an array of 100');
  });
});

describe('unknown options in the env API', () => {
  const root = makeTree({ '/.keep': '' });
  it('detect, planEnvironment, setupEnvironment and execWithPlan refuse a misspelt option', () => {
    expect(() => detect({ root, comands: false } as never)).toThrow(
      /^detect: options\.comands is not an option — did you mean options\.commands\?/,
    );
    const report = detect({ root, commands: false, env: homeEnv() });
    expect(() => planEnvironment(report, { forced: true } as never)).toThrow(
      /^planEnvironment: options\.forced is not an option — did you mean options\.force\?/,
    );
    expect(() => setupEnvironment({ root, env: homeEnv(), pinToDiscreet: false } as never)).toThrow(
      /^setupEnvironment: options\.pinToDiscreet is not an option — did you mean options\.pinToDiscrete\?/,
    );
    expect(() =>
      execWithPlan({ entries: [], findings: [] }, 'true', [], { stdErr: process.stderr } as never),
    ).toThrow(/^execWithPlan: options\.stdErr is not an option — did you mean options\.stderr\?/);
  });

  it('setupEnvironment still takes every documented option', () => {
    const env = homeEnv();
    const result = setupEnvironment({
      root,
      env,
      commands: false,
      force: false,
      pinToDiscrete: true,
      canAccess: () => true,
      onWarning: () => {},
    });
    expect(result.report.gpus).toEqual([]);
  });
});
