#!/usr/bin/env node
console.log('rocm-patch');
