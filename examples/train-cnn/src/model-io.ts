/**
 * Saving and loading a TF.js model as model.json + weights.bin, the layout of tfjs-node's file://
 * handler, which pure @tensorflow/tfjs does not have in Node: a custom IOHandler on each side.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;
type ModelArtifacts = tfTypes.io.ModelArtifacts;

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** One contiguous buffer from TF.js's weight data (an ArrayBuffer, or a list of them for large models). */
function joinWeights(tf: Tf, data: tfTypes.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return new tf.io.CompositeArrayBuffer(data).slice();
}

/** An IOHandler for model.save() that writes DIR/model.json and DIR/weights.bin. */
export function fileSaveHandler(tf: Tf, dir: string): tfTypes.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts: ModelArtifacts) => {
    await mkdir(dir, { recursive: true });
    const weights = joinWeights(tf, artifacts.weightData);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      trainingConfig: artifacts.trainingConfig,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    };
    await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
    await writeFile(join(dir, MODEL_FILE), `${JSON.stringify(modelJson)}\n`);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tfTypes.io.TrainingConfig;
  weightsManifest: { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[];
}

/** An IOHandler for tf.loadLayersModel() that reads what fileSaveHandler wrote. */
export function fileLoadHandler(dir: string): tfTypes.io.IOHandler {
  return {
    async load(): Promise<ModelArtifacts> {
      const path = join(dir, MODEL_FILE);
      const json = JSON.parse(await readFile(path, 'utf8')) as ModelJson;
      if (!Array.isArray(json.weightsManifest)) throw new TypeError(`${path}: no weightsManifest`);
      const weightSpecs: tfTypes.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const file of group.paths) buffers.push(await readFile(join(dir, file)));
      }
      const total = buffers.reduce((n, b) => n + b.byteLength, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const b of buffers) {
        weightData.set(b, offset);
        offset += b.byteLength;
      }
      return {
        modelTopology: json.modelTopology as ModelArtifacts['modelTopology'],
        weightSpecs,
        weightData: weightData.buffer,
        ...(json.format ? { format: json.format } : {}),
        ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
        ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
      };
    },
  };
}
