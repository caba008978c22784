// A one-node ONNX model (Conv, opset 13) built in memory for the CPU benchmark's onnxruntime-node
// column: graph input X [N,C,H,W] float32, W a float32 initializer [K,C/groups,R,S], output Y.
// A tiny protobuf writer instead of an onnx/protobufjs dependency: the model is six message types.
// Field numbers are those of onnx/onnx.proto (cited per message below).

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT
const ATTR_INTS = 7; // AttributeProto.AttributeType.INTS
const IR_VERSION = 7; // IR version 7 covers opsets up to 13
const OPSET = 13;

const utf8 = new TextEncoder();

/** Protobuf varint of a non-negative safe integer (int64 fields here hold only small non-negative values). */
function varint(value) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`onnx-conv-model: varint value must be a non-negative safe integer, got ${value}`);
  }
  const bytes = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

const tag = (field, wire) => varint(field * 8 + wire);

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A varint field (int32/int64/enum). */
const intField = (field, value) => concat([tag(field, WIRE_VARINT), varint(value)]);
/** A length-delimited field: bytes, string or an embedded message (already encoded). */
const bytesField = (field, bytes) => concat([tag(field, WIRE_LEN), varint(bytes.length), bytes]);
const stringField = (field, s) => bytesField(field, utf8.encode(s));
/** A proto2 repeated int64, unpacked (proto2's default encoding; parsers accept both). */
const repeatedInt = (field, values) => concat(values.map((v) => intField(field, v)));

// AttributeProto: name = 1, i = 3, ints = 8, type = 20.
const intAttribute = (name, i) => concat([stringField(1, name), intField(20, ATTR_INT), intField(3, i)]);
const intsAttribute = (name, ints) =>
  concat([stringField(1, name), intField(20, ATTR_INTS), repeatedInt(8, ints)]);

// TensorShapeProto: dim = 1; Dimension: dim_value = 1. TypeProto: tensor_type = 1;
// TypeProto.Tensor: elem_type = 1, shape = 2. ValueInfoProto: name = 1, type = 2.
function valueInfo(name, dims) {
  const shape = concat(dims.map((d) => bytesField(1, intField(1, d))));
  const tensorType = concat([intField(1, FLOAT), bytesField(2, shape)]);
  return concat([stringField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

// TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (fixed-width little-endian).
function floatTensor(name, dims, data) {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return concat([repeatedInt(1, dims), intField(2, FLOAT), stringField(8, name), bytesField(9, raw)]);
}

/**
 * Serialized ModelProto of Y = Conv(X, W), no bias.
 * @param {{ n: number, c: number, h: number, w: number, k: number, r: number, s: number,
 *   stride: number, pad: number, groups: number, weights: Float32Array }} conv
 *   weights: [K, C/groups, R, S] row-major, as ours takes them; symmetric padding, dilation 1.
 * @returns {Uint8Array}
 */
export function convModel({ n, c, h, w, k, r, s, stride, pad, groups, weights }) {
  const wDims = [k, c / groups, r, s];
  if (weights.length !== wDims.reduce((a, b) => a * b)) {
    throw new RangeError(`onnx-conv-model: weights must hold K*C/groups*R*S = ${wDims.join('*')} values`);
  }
  const p = Math.floor((h + 2 * pad - r) / stride) + 1;
  const q = Math.floor((w + 2 * pad - s) / stride) + 1;
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
  const node = concat([
    stringField(1, 'X'),
    stringField(1, 'W'),
    stringField(2, 'Y'),
    stringField(3, 'conv'),
    stringField(4, 'Conv'),
    bytesField(5, intsAttribute('kernel_shape', [r, s])),
    bytesField(5, intsAttribute('strides', [stride, stride])),
    bytesField(5, intsAttribute('pads', [pad, pad, pad, pad])), // [top, left, bottom, right]
    bytesField(5, intsAttribute('dilations', [1, 1])),
    bytesField(5, intAttribute('group', groups)),
  ]);
  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
  const graph = concat([
    bytesField(1, node),
    stringField(2, 'conv2d'),
    bytesField(5, floatTensor('W', wDims, weights)),
    bytesField(11, valueInfo('X', [n, c, h, w])),
    bytesField(12, valueInfo('Y', [n, k, p, q])),
  ]);
  // OperatorSetIdProto: domain = 1 (absent: the default ai.onnx), version = 2.
  const opset = intField(2, OPSET);
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8.
  return concat([
    intField(1, IR_VERSION),
    stringField(2, 'rocm-patch conv-bypass bench'),
    bytesField(7, graph),
    bytesField(8, opset),
  ]);
}
