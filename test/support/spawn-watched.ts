import { spawn } from 'node:child_process';

/** Starts a Node process and resolves once its output shows `readyText`; rejects if it exits first. */
export function spawnWatched(args: string[], env: Record<string, string>, readyText: string) {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(readyText)) resolve(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}):\n${output.slice(-3000)}`)));
  });
  ready.catch(() => {});
  return { child, ready, output: () => output };
}
