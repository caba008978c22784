#!/usr/bin/env python3
"""Kernel-level GPU suite for the device machine (needs PyTorch + our native harness, not Node.js).

For each shape of the issue's suite: draws x, w, dy (torch, seed 0), gets PyTorch/cuDNN references and
timings from torch_conv_ref.py (cuDNN fp32 with TF32 off, PyTorch unfold+matmul), runs our harness on
the same inputs (checks and timings), and prints a table and JSON.

  python3 device_suite.py --harness PATH --ref torch_conv_ref.py --work /tmp/suite [--out DIR]
"""
import argparse, json, math, os, subprocess, sys

SUITE = [  # N, C, H, W, K, R, S, stride, pad  (issue 5)
    (1, 3, 64, 64, 64, 3, 3, 1, 1), (1, 3, 128, 128, 64, 3, 3, 1, 1), (1, 3, 224, 224, 64, 3, 3, 1, 1),
    (32, 3, 224, 224, 64, 7, 7, 2, 3), (32, 64, 56, 56, 64, 3, 3, 1, 1), (32, 64, 56, 56, 256, 1, 1, 1, 0),
    (32, 128, 28, 28, 128, 3, 3, 1, 1), (32, 256, 14, 14, 256, 3, 3, 1, 1), (32, 512, 7, 7, 512, 3, 3, 1, 1),
    (16, 3, 640, 640, 16, 3, 3, 2, 1), (16, 16, 320, 320, 32, 3, 3, 2, 1), (16, 32, 160, 160, 32, 3, 3, 1, 1),
    (16, 64, 80, 80, 64, 3, 3, 1, 1), (16, 128, 40, 40, 256, 3, 3, 2, 1),
]


def name_of(s):
    return 'n{}c{}h{}w{}k{}r{}s{}st{}p{}'.format(*s)


def geomean(v):
    v = [x for x in v if x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--harness', required=True)
    ap.add_argument('--ref', required=True)
    ap.add_argument('--work', default='/tmp/suite')
    ap.add_argument('--out', default=None)
    a = ap.parse_args()
    import torch
    os.makedirs(a.work, exist_ok=True)
    torch.manual_seed(0)
    cases, lines = [], []
    for s in SUITE:
        N, C, H, W, K, R, S, st, pd = s
        nm = name_of(s)
        d = os.path.join(a.work, nm)
        os.makedirs(d, exist_ok=True)
        P = (H + 2 * pd - R) // st + 1
        Q = (W + 2 * pd - S) // st + 1
        for fn, shape in (('x', (N, C, H, W)), ('w', (K, C, R, S)), ('dy', (N, K, P, Q))):
            torch.randn(*shape).numpy().astype('<f4').tofile(os.path.join(d, fn + '.f32'))
        cases.append({'name': nm, 'N': N, 'C': C, 'H': H, 'W': W, 'K': K, 'R': R, 'S': S, 'stride': [st, st],
                      'pad': [pd, pd], 'x': os.path.join(d, 'x.f32'), 'w': os.path.join(d, 'w.f32'),
                      'dy': os.path.join(d, 'dy.f32'), 'out_dir': d, 'time': True})
        lines.append('{} {} {} {} {} {} {} {} {} {}'.format(nm, *s))
    spec = os.path.join(a.work, 'spec.json')
    json.dump({'cases': cases, 'tf32': False}, open(spec, 'w'))
    ref = json.loads(subprocess.run([sys.executable, a.ref, spec], check=True, capture_output=True, text=True).stdout)
    lst = os.path.join(a.work, 'list.txt')
    open(lst, 'w').write('\n'.join(lines) + '\n')
    r = subprocess.run([a.harness, 'suite', lst, a.work], capture_output=True, text=True)
    sys.stderr.write(r.stderr)
    ours = {}
    for ln in r.stdout.splitlines():
        if ln.startswith('{'):
            o = json.loads(ln)
            ours[o['name']] = o
        else:
            print(ln)
    rows = []
    for c in ref['cases']:
        o = ours.get(c['name'])
        if o is None:
            print('missing result for', c['name'])
            continue
        fb = o['ms']['fwd'] + o['ms']['dx'] + o['ms']['dw']
        rows.append({'name': c['name'], 'ok': o['ok'], 'err': o['err'], 'ours_fwd_ms': o['ms']['fwd'],
                     'ours_unfold_ms': o['ms']['unfold'], 'ours_dx_ms': o['ms']['dx'], 'ours_dw_ms': o['ms']['dw'],
                     'ours_fwdbwd_ms': fb, 'cudnn_fwd_ms': c['cudnn_fwd_ms'], 'cudnn_fwdbwd_ms': c['cudnn_fwdbwd_ms'],
                     'torch_unfold_ms': c['unfold_fwd_ms'], 'ours_extra_mb': o['extraMB'],
                     'cudnn_extra_mb': c['cudnn_peak_extra_mb'], 'torch_unfold_extra_mb': c['unfold_peak_extra_mb']})
    hdr = '{:<28} {:>4} {:>8} {:>8} {:>8} {:>8} {:>6} {:>6} {:>9} {:>9} {:>6} {:>6}'.format(
        'shape', 'ok', 'fwd', 'unfold', 'cudnn', 'pt-unf', 'o/cdn', 'pt/o', 'fb', 'cdn-fb', 'fb/c', 'xMB')
    print(hdr)
    for x in rows:
        print('{:<28} {:>4} {:8.3f} {:8.3f} {:8.3f} {:8.3f} {:6.2f} {:6.2f} {:9.3f} {:9.3f} {:6.2f} {:6.1f}'.format(
            x['name'], 'y' if x['ok'] else 'N', x['ours_fwd_ms'], x['ours_unfold_ms'], x['cudnn_fwd_ms'],
            x['torch_unfold_ms'], x['ours_fwd_ms'] / x['cudnn_fwd_ms'], x['torch_unfold_ms'] / x['ours_fwd_ms'],
            x['ours_fwdbwd_ms'], x['cudnn_fwdbwd_ms'], x['ours_fwdbwd_ms'] / x['cudnn_fwdbwd_ms'],
            x['ours_extra_mb']['fwd']))
    summary = {
        'device': ref['device'], 'torch': ref['torch'], 'cudnn': ref['cudnn'],
        'fwd_ours_over_cudnn_geomean': geomean([x['ours_fwd_ms'] / x['cudnn_fwd_ms'] for x in rows]),
        'torch_unfold_over_ours_geomean': geomean([x['torch_unfold_ms'] / x['ours_fwd_ms'] for x in rows]),
        'torch_unfold_over_ours_min': min(x['torch_unfold_ms'] / x['ours_fwd_ms'] for x in rows),
        'fwdbwd_ours_over_cudnn_geomean': geomean([x['ours_fwdbwd_ms'] / x['cudnn_fwdbwd_ms'] for x in rows]),
        'all_ok': all(x['ok'] for x in rows) and len(rows) == len(SUITE),
    }
    print(json.dumps(summary))
    if a.out:
        json.dump({'summary': summary, 'rows': rows}, open(os.path.join(a.out, 'suite.json'), 'w'), indent=1)
    return 0 if summary['all_ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
