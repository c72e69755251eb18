/**
 * Progress of a long run: a bar redrawn in place on a terminal, plain lines now and then
 * otherwise (a log file or a pipe must not fill with carriage returns).
 */

export interface ProgressState {
  readonly done: number;
  readonly total: number;
  /** Milliseconds since this run started (a resumed run counts only its own work). */
  readonly elapsedMs: number;
}

const BAR_WIDTH = 24;

/** Items per second over this run, or null before anything finished. */
export function rateOf({ done, elapsedMs }: ProgressState): number | null {
  return done > 0 && elapsedMs > 0 ? done / (elapsedMs / 1000) : null;
}

export function formatEta(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}

/** "42/100 42% 3.1/s ETA 0:19", the part the bar and the plain lines share. */
export function formatCounts(state: ProgressState): string {
  const percent = state.total === 0 ? 100 : Math.floor((state.done / state.total) * 100);
  const rate = rateOf(state);
  const eta = rate === null ? "ETA -" : `ETA ${formatEta((state.total - state.done) / rate)}`;
  return `${state.done}/${state.total} ${percent}% ${rate === null ? "-" : rate.toFixed(1)}/s ${eta}`;
}

export function formatBar(state: ProgressState): string {
  const filled = state.total === 0 ? BAR_WIDTH : Math.round((state.done / state.total) * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${formatCounts(state)}`;
}

export interface ProgressReporter {
  update(state: ProgressState): void;
  /** Writes a line above the bar (or as a line). */
  line(text: string): void;
  finish(state: ProgressState): void;
}

/** How often plain lines are written when stderr is not a terminal. */
const PLAIN_EVERY_MS = 5_000;

export function createProgressReporter(stream: NodeJS.WriteStream, label: string): ProgressReporter {
  const tty = stream.isTTY === true;
  let lastPlain = 0;
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (tty && drawn) stream.write("\r\x1b[2K");
  };
  return {
    update(state) {
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 100 && state.done < state.total) return;
        lastDraw = now;
        stream.write(`\r\x1b[2K${label} ${formatBar(state)}`);
        drawn = true;
      } else if (now - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = now;
        stream.write(`${label}: ${formatCounts(state)}\n`);
      }
    },
    line(text) {
      clear();
      stream.write(`${text}\n`);
      drawn = false;
    },
    finish(state) {
      clear();
      stream.write(`${label}: ${formatCounts(state)}\n`);
      drawn = false;
    },
  };
}
