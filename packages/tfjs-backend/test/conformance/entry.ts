// The bundle's entry: the environment first, then every spec of tfjs-core's suite.
import './setup.js';
import '@tensorflow/tfjs-core/dist/tests';
