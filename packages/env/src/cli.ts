#!/usr/bin/env node
import { archFromGfxTargetVersion } from './arch.js';

console.log(archFromGfxTargetVersion(100100));
