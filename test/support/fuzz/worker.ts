/** The fuzzer's reading thread: one document at a time, stopped from outside if it hangs. */
import { parentPort } from 'node:worker_threads';
import { readOne } from './read-one.ts';

parentPort!.on('message', async (bytes: Uint8Array) => {
  parentPort!.postMessage(await readOne(bytes));
});
parentPort!.postMessage('ready');
