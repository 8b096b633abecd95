/**
 * The device models a board may place (docs/description-format.md, "Board"), and the one
 * function that builds a device from its board entry: it checks the entry's options against the
 * model and resolves them to the ISA's state (`mtime` → the StateElement `mtime`, `mip.MTIP` →
 * bits hi..lo of `mip`). A bad entry is an `isa/invalid` error at the entry's position.
 */
import { raise } from '../../diagnostic.js';
import type { Device, Isa, StateElement } from '../../isa/model.js';
import { Clint } from './clint.js';
import type { DeviceContext, MmioDevice, StateLine } from './device.js';
import { Ns16550a } from './ns16550a.js';
import { SifiveTest } from './sifive-test.js';

/** What the registry needs of the ISA: its state, to resolve option names. */
export type DeviceIsa = Pick<Isa, 'state'>;

interface Model {
  /** The options the model takes besides `model` and `base`. */
  readonly options: readonly string[];
  readonly create: (device: Device, isa: DeviceIsa, ctx: DeviceContext) => MmioDevice;
}

const MODELS: ReadonlyMap<string, Model> = new Map<string, Model>([
  ['ns16550a',    { options: [],                         create: (d, _isa, ctx) => new Ns16550a(d.base, ctx) }],
  ['clint',       { options: ['mtime', 'msip', 'mtip'],  create: (d, isa, ctx) => new Clint(d.base, ctx, {
    mtime: stateOption(d, isa, 'mtime'),
    msip: lineOption(d, isa, 'msip'),
    mtip: lineOption(d, isa, 'mtip'),
  }) }],
  ['sifive-test', { options: [],                         create: (d, _isa, ctx) => new SifiveTest(d.base, ctx) }],
]);

/** The model names a board may use, for messages and documentation. */
export const DEVICE_MODELS: readonly string[] = [...MODELS.keys()];

/**
 * Build the device a board entry describes. Throws InputError `isa/invalid` at `device.pos` for
 * an unknown model, an option the model does not take, or an option naming state the ISA lacks.
 */
export function createDevice(device: Device, isa: DeviceIsa, ctx: DeviceContext): MmioDevice {
  const model = MODELS.get(device.model);
  if (model === undefined) {
    raise('isa/invalid', `unknown device model '${device.model}' (known: ${DEVICE_MODELS.join(', ')})`, device.pos);
  }
  for (const name of device.options.keys()) {
    if (!model.options.includes(name)) {
      const known = model.options.length === 0 ? 'it takes none' : `it takes ${model.options.join(', ')}`;
      raise('isa/invalid', `device ${device.model} has no option '${name}' (${known})`, device.pos);
    }
  }
  return model.create(device, isa, ctx);
}

/** The scalar state register an option names; the option is required. */
function stateOption(device: Device, isa: DeviceIsa, option: string): StateElement {
  const value = device.options.get(option);
  if (value === undefined) raise('isa/invalid', `device ${device.model} needs option '${option}'`, device.pos);
  return scalar(device, isa, option, String(value));
}

/**
 * The line an option names — `REG.FIELD` (bits of a field) or `REG` (the whole register) — or
 * null when the option is absent (the line is not wired).
 */
function lineOption(device: Device, isa: DeviceIsa, option: string): StateLine | null {
  const value = device.options.get(option);
  if (value === undefined) return null;
  const text = String(value);
  const dot = text.indexOf('.');
  const element = scalar(device, isa, option, dot < 0 ? text : text.slice(0, dot));
  if (dot < 0) return { element, hi: element.width - 1, lo: 0 };
  const fieldName = text.slice(dot + 1);
  const field = element.fields.get(fieldName);
  if (field === undefined) {
    raise('isa/invalid', `device ${device.model} option '${option}': ${element.name} has no field '${fieldName}'`, device.pos);
  }
  return { element, hi: field.hi, lo: field.lo };
}

function scalar(device: Device, isa: DeviceIsa, option: string, name: string): StateElement {
  const element = isa.state.get(name);
  if (element === undefined) {
    raise('isa/invalid', `device ${device.model} option '${option}': no state register '${name}'`, device.pos);
  }
  if (element.isFile) {
    raise('isa/invalid', `device ${device.model} option '${option}': '${name}' is a register file, not a register`, device.pos);
  }
  return element;
}
