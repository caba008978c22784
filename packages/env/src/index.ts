export { archFromGfxTargetVersion } from './arch.js';
