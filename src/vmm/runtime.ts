/**
 * The runtime of a generated hypervisor (`isavirt gen`, src/vmm/generate.ts): everything a
 * generated module imports, and nothing else — one explicit export list. A generated module holds
 * the ISA's own code (interpreter routines, translation, trap entry, decode table, dispatcher);
 * what it shares with every other ISA comes from here: the real machine it runs guests on, the
 * bus, RAM and device models of the virtual machines, and the allocator's composers.
 *
 * Published as `isavirt/runtime` (package.json "exports"); a generated module imports from that
 * name unless `isavirt gen --runtime` names another.
 */
import type { Machine } from '../machine/machine.js';
import { Status } from '../semantics/interpreter.js';

// The real machine, and the loaders a program using a generated module needs.
export { Machine } from '../machine/machine.js';
export type { StepResult } from '../machine/machine.js';
export { TranslationCache } from '../semantics/translation-cache.js';
export { loadCheckedIsa } from '../semantics/check-isa.js';
export type { CheckedIsa } from '../semantics/check-isa.js';
export { loadGuestImage, placeImage } from '../machine/image.js';
export type { GuestImage } from '../machine/image.js';

// A virtual machine's state, bus and devices.
export type { AccessKind, Cause as IsaCause } from '../isa/model.js';
export type { Bits } from '../semantics/values.js';
export { Interpreter } from '../semantics/interpreter.js';
export type { StateStore } from '../semantics/interpreter.js';
export { Bus } from '../machine/bus.js';
export type { Ram } from '../machine/memory.js';
export { createDevice } from '../machine/devices/registry.js';
export type { DeviceContext, MmioDevice } from '../machine/devices/device.js';

// The allocator, and the control program's vocabulary.
export { allocate, composerFor } from './allocator.js';
export type { Allocation, Composer } from './allocator.js';
export { noCounters } from './control-program.js';
export type { ControlProgramOptions, Counters, GuestOutcome, Strategy } from './control-program.js';
export { exitReason } from './exits.js';
export type { AllocatorWork, ExitEvent, ExitReason, InterpretReason, PreemptReason } from './exits.js';

/**
 * Did the real machine's last step halt by its instruction's own semantics (a halt the description
 * allows in user mode), rather than at a device's request?
 */
export function haltedByInstruction(machine: Machine): boolean {
  return machine.interp.status === Status.Halt;
}
