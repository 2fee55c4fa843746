/**
 * Holds whoever waits on it until the current turn of the event loop ends (its check phase, `setImmediate`), then
 * lets them all go together, in the order they came; one promise a turn, however many wait.
 *
 * The transport builds and writes its requests through one (transport.ts): the answers read in one wakeup free their
 * slots one after another, and each freed slot used to build, sign and write the next request at once, between two
 * reads. Held to the turn's end, a turn's requests are built back to back, their HMACs with OpenSSL's code and state
 * still warm, and written in one burst, so a receiver on the same host wakes once for them instead of once a request
 * and answers in bursts too. Measured in bench/README.md, nineteenth round.
 */
export class TurnGate {
  private opening: Promise<void> | null = null;

  /** Resolves at the end of the current turn; a wait begun while a turn's waiters are let go waits for the next turn. */
  wait(): Promise<void> {
    this.opening ??= new Promise((resolve) => {
      setImmediate(() => {
        this.opening = null;
        resolve();
      });
    });
    return this.opening;
  }
}
