// Runs a riscv32 guest ELF on QEMU's virt board, the reference for differential tests.
// The guest's UART output arrives on qemu's stdout byte for byte: with
// `-display none -serial stdio -monitor none` QEMU adds nothing of its own.
import { spawn, spawnSync } from 'node:child_process';

const QEMU = 'qemu-system-riscv32';

/** The full argument list: bare board, no firmware, guest entered in M-mode at its ELF entry. */
export function qemuArguments(elfPath: string): readonly string[] {
  return [
    '-machine', 'virt',
    '-bios', 'none',
    '-kernel', elfPath,
    '-display', 'none',
    '-serial', 'stdio',
    '-monitor', 'none',
  ];
}

export interface QemuRun {
  /** The UART bytes, one character per byte (latin1). */
  readonly console: string;
  /**
   * qemu's exit status: 0 when the guest stored 0x5555 to the SiFive test finisher,
   * `code` when it stored (code << 16) | 0x3333; null when killed at the timeout.
   */
  readonly exitCode: number | null;
}

let available: boolean | undefined;

/** True when qemu-system-riscv32 can be started on this host. */
export function qemuAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync(QEMU, ['--version'], { stdio: 'ignore' });
    available = probe.error === undefined && probe.status === 0;
  }
  return available;
}

/** Runs the guest until it exits through the finisher, or kills qemu after the timeout. */
export async function runOnQemu(elfPath: string, timeoutSeconds = 20): Promise<QemuRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, qemuArguments(elfPath), { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const message = Buffer.concat(stderr).toString('utf8').trim();
      if (!timedOut && code !== 0 && code !== null && message !== '') {
        // qemu itself failed (bad ELF, unknown option): that is not a guest result.
        reject(new Error(`${QEMU} exited with ${code}: ${message}`));
        return;
      }
      resolve({
        console: Buffer.concat(stdout).toString('latin1'),
        exitCode: timedOut ? null : code,
      });
    });
  });
}
