import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intValue, parseKeyValues } from '../src/parse-kfd.js';
import { parseNvidiaInformation, parseNvidiaSmiCsv, parseNvidiaVersion } from '../src/parse-nvidia.js';
import { parseRocmSmi } from '../src/parse-rocm-smi.js';
import { parseRocminfo } from '../src/parse-rocminfo.js';
import { FIXTURES, fixture } from './helpers/tree.js';

/** Every fixture file has a test here: a new fixture without one fails this list. */
const COVERED = new Set<string>();
const cover = (name: string) => {
  COVERED.add(name);
  return fixture(name);
};

describe('parseRocminfo on the real outputs', () => {
  it('gfx1010 RX 5700 (ISA name with :xnack-, CPU agent first)', () => {
    const { kfdLoaded, agents } = parseRocminfo(cover('rocminfo-gfx1010-rx5700-rocm-issue1713.txt'));
    expect(kfdLoaded).toBe(true);
    expect(agents).toHaveLength(2);
    expect(agents[0]).toMatchObject({ deviceType: 'CPU', arch: null, node: 0, computeUnits: 16 });
    expect(agents[1]).toMatchObject({
      name: 'gfx1010',
      marketingName: 'AMD Radeon RX 5700',
      uuid: 'GPU-XX',
      deviceType: 'GPU',
      node: 1,
      chipId: 0x731f,
      computeUnits: 36,
      waveSize: 32,
      isas: ['amdgcn-amd-amdhsa--gfx1010:xnack-'],
      arch: 'gfx1010',
      coarsePoolBytes: 8372224 * 1024,
    });
  });

  it('gfx1031 RX 6700 XT (rocminfo --support)', () => {
    const { agents } = parseRocminfo(cover('rocminfo-gfx1031-rx6700xt-rocm-issue2620.txt'));
    const gpu = agents.find((a) => a.deviceType === 'GPU');
    expect(gpu).toMatchObject({
      arch: 'gfx1031',
      marketingName: 'AMD Radeon RX 6700 XT',
      chipId: 0x73df,
      computeUnits: 40,
      node: 1,
    });
    expect(gpu?.coarsePoolBytes).toBe(12566528 * 1024);
  });

  it('seven MI25 (gfx900) with blank Uuid lines', () => {
    const { agents } = parseRocminfo(cover('rocminfo-gfx900x7-mi25-bankh-GPU_Compute.txt'));
    const gpus = agents.filter((a) => a.deviceType === 'GPU');
    expect(gpus).toHaveLength(7);
    expect(gpus.map((g) => g.node)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(gpus.every((g) => g.arch === 'gfx900' && g.waveSize === 64 && g.computeUnits === 64)).toBe(true);
    expect(gpus.slice(0, 6).every((g) => g.uuid === null)).toBe(true);
    expect(gpus[6]!.uuid).toBe('GPU-0213fb02cc8c08a4');
    expect(agents[0]!.uuid).toBeNull();
  });

  it('garbage, truncated and empty input give what they can, never throw', () => {
    expect(parseRocminfo('').agents).toEqual([]);
    expect(parseRocminfo('\u0000\u0001binary\nAgent x\n::::').agents).toEqual([]);
    const text = fixture('rocminfo-gfx1010-rx5700-rocm-issue1713.txt');
    const truncated = text.slice(0, text.indexOf('Compute Unit:', text.indexOf('Agent 2')));
    const gpu = parseRocminfo(truncated).agents.find((a) => a.deviceType === 'GPU');
    expect(gpu).toMatchObject({ arch: 'gfx1010', computeUnits: null, isas: [] });
  });

  it('accepts other key casing and CRLF line ends', () => {
    const text = fixture('rocminfo-gfx1010-rx5700-rocm-issue1713.txt')
      .replace(/Marketing Name/g, 'Marketing name')
      .replace(/\n/g, '\r\n');
    expect(parseRocminfo(text).agents[1]!.marketingName).toBe('AMD Radeon RX 5700');
  });
});

describe('parseRocmSmi on the real outputs', () => {
  it('JSON, new casing, gfx9010 meaning gfx90a', () => {
    const r = parseRocmSmi(cover('rocm-smi-showproductname-json-mi250x-rocm_smi_lib-issue159.json'));
    expect(r.format).toBe('json');
    expect(r.cards).toEqual([
      {
        card: 0,
        series: 'AMD INSTINCT MI200 (MCM) OAM LC MBA HPE C2',
        model: null,
        vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]',
        sku: 'D65201',
        arch: 'gfx90a',
        deviceId: '0x7408',
        node: 7,
        bus: null,
      },
    ]);
  });

  it('CSV, old casing, two MI100', () => {
    const r = parseRocmSmi(cover('rocm-smi-showproductname-csv-mi100x2-easybuild-pr3978.txt'));
    expect(r.format).toBe('csv');
    expect(r.cards.map((c) => [c.card, c.series, c.vendor, c.sku, c.deviceId])).toEqual([
      [0, 'Arcturus GL-XL [AMD Instinct MI100]', 'Advanced Micro Devices Inc. [AMD/ATI]', 'D34316', null],
      [1, 'Arcturus GL-XL [AMD Instinct MI100]', 'Advanced Micro Devices Inc. [AMD/ATI]', 'D34316', null],
    ]);
  });

  it('CSV driver version', () => {
    const r = parseRocmSmi(cover('rocm-smi-showdriverversion-csv-easybuild-pr3978.txt'));
    expect(r.driverVersion).toBe('4.18.0-348.12.2.el8_5.x86_64');
    expect(r.cards).toEqual([]);
  });

  it('CSV with an unquoted comma inside the vendor', () => {
    const r = parseRocmSmi(
      'device,Card Series,Card Model,Card Vendor,Card SKU\ncard0,Navi 10,0x731f,Advanced Micro Devices, Inc. [AMD/ATI],D1\n',
    );
    expect(r.cards[0]).toMatchObject({
      vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]',
      sku: 'D1',
      deviceId: '0x731f',
    });
  });

  it('concise --showhw table: gfx11002 meaning gfx1102, plus a Raphael iGPU', () => {
    const r = parseRocmSmi(cover('rocm-smi-showhw-rx7600-gfx11002-plus-raphael-rocm-issue4380.txt'));
    expect(r.format).toBe('table');
    expect(r.cards.map((c) => [c.card, c.node, c.deviceId, c.arch, c.bus])).toEqual([
      [0, 1, '0x7480', 'gfx1102', '0000:03:00.0'],
      [1, 2, '0x164e', 'gfx1036', '0000:12:00.0'],
    ]);
  });

  it('old text: series printed as a raw device id (ROCm 4.0, MI100)', () => {
    const r = parseRocmSmi(cover('rocm-smi-showproductname-text-rocm4.0-mi100-rocm-issue1351.txt'));
    expect(r.format).toBe('text');
    expect(r.cards).toEqual([
      {
        card: 0,
        series: null,
        model: null,
        vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]',
        sku: 'D34314',
        arch: null,
        deviceId: '0x738c',
        node: null,
        bus: null,
      },
    ]);
  });

  it('old text: MI25 plus a Cezanne iGPU whose series is 0x1638', () => {
    const r = parseRocmSmi(cover('rocm-smi-showproductname-text-mi25-gfx900-plus-vega11-gfx90c.txt'));
    expect(r.cards.map((c) => [c.series, c.model, c.sku, c.deviceId])).toEqual([
      ['Vega 10 [Radeon Instinct MI25]', 'Radeon PRO V320', 'D05135', null],
      [null, 'Radeon RX Vega 11', 'CEZANN', '0x1638'],
    ]);
  });

  it('new text with a WARNING line: RX 7800 XT plus a Raphael iGPU', () => {
    const r = parseRocmSmi(cover('rocm-smi-showproductname-text-rx7800xt-gfx1101-plus-raphael-igpu.txt'));
    expect(r.warnings).toEqual([
      'WARNING: AMD GPU device(s) is/are in a low-power state. Check power control/runtime_status',
    ]);
    expect(r.cards.map((c) => [c.card, c.series, c.arch, c.deviceId, c.node])).toEqual([
      [0, 'AMD Radeon RX 7800 XT', 'gfx1101', '0x747e', 1],
      [1, 'AMD Ryzen 9 9950X 16-Core Processor', 'gfx1036', '0x13c0', 2],
    ]);
  });

  it('garbage gives no cards and no exception', () => {
    for (const text of [
      '',
      '{not json',
      '{"card0": 5}',
      'device,\n',
      'GPU  DID\nxx yy zz\n',
      '\u0000\u00ff',
    ]) {
      expect(parseRocmSmi(text).cards).toEqual([]);
    }
  });
});

describe('KFD files', () => {
  it('node properties of an RX 7900 XTX (tinygrad mock GPU)', () => {
    const { values, badLines } = parseKeyValues(
      cover('kfd-properties-gfx1100-rx7900xtx-tinygrad-mockgpu.txt'),
    );
    expect(badLines).toBe(0);
    expect(intValue(values, 'gfx_target_version')).toBe(110000);
    expect(intValue(values, 'device_id')).toBe(0x744c);
    expect(intValue(values, 'drm_render_minor')).toBe(128);
    // unique_id is above 2^53: kept as text, never a rounded number.
    expect(intValue(values, 'unique_id')).toBeNull();
    expect(values.get('unique_id')).toBe('11673270660693242239');
  });

  it('the untouched template: a placeholder render minor is not a number', () => {
    const { values } = parseKeyValues(
      cover('kfd-properties-gfx1100-rx7900xtx-tinygrad-mockgpu.TEMPLATE.txt'),
    );
    expect(values.get('drm_render_minor')).toBe('{drm_render_minor}');
    expect(intValue(values, 'drm_render_minor')).toBeNull();
    expect(intValue(values, 'simd_count')).toBe(192);
  });

  it('io_links properties, as grepped on an RX 5700 XT', () => {
    const lines = cover('kfd-io_links-flags-gfx1010-rx5700xt-rocm-issue2527.txt').trim().split('\n');
    const flags = lines.map((l) => intValue(parseKeyValues(l.slice(l.indexOf(':') + 1)).values, 'flags'));
    expect(flags).toEqual([3, 1]);
  });

  it('the .info/version format', () => {
    expect(cover('rocm-info-version-format-example.txt').trim()).toMatch(/^\d+\.\d+\.\d+-\d+$/);
  });
});

describe('NVIDIA files', () => {
  it('driver version line, proprietary and open modules', () => {
    expect(
      parseNvidiaVersion(
        'NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023\nGCC version: gcc 12\n',
      ),
    ).toBe('535.104.05');
    expect(
      parseNvidiaVersion(
        'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.14  Release Build\n',
      ),
    ).toBe('550.54.14');
    expect(parseNvidiaVersion('garbage')).toBeNull();
  });

  it('information file and nvidia-smi CSV', () => {
    expect(
      parseNvidiaInformation(
        'Model: \t\t NVIDIA GeForce RTX 3090\nIRQ: 130\nGPU UUID: \t GPU-abc\nBus Location: \t 0000:01:00.0\nDevice Minor: \t 0\n',
      ),
    ).toEqual({
      model: 'NVIDIA GeForce RTX 3090',
      busLocation: '0000:01:00.0',
      deviceMinor: 0,
      uuid: 'GPU-abc',
    });
    expect(parseNvidiaSmiCsv('0, NVIDIA GeForce RTX 3090, 24576, 00000000:01:00.0, 8.6\nbad line\n')).toEqual(
      [
        {
          index: 0,
          name: 'NVIDIA GeForce RTX 3090',
          memoryMiB: 24576,
          busId: '00000000:01:00.0',
          computeCap: '8.6',
        },
      ],
    );
  });
});

describe('fixture coverage', () => {
  it('every file in test/fixtures/rocm is parsed by a test above', () => {
    const files = readdirSync(FIXTURES).filter((f) => f !== 'README.md');
    expect(files.length).toBe(14);
    expect(files.filter((f) => !COVERED.has(f))).toEqual([]);
  });
});
