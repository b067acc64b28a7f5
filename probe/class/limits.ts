/**
 * The limits each program of a submission runs under, as `prlimit` sets
 * them; a whole submission's wall clock, bytes and memory are its box's.
 *
 * @module
 */

/** The limits of one program of a submission. */
export interface Limits {
  /** CPU seconds per process (RLIMIT_CPU: SIGXCPU, then SIGKILL). */
  cpu: number;
  /** Address space per process, in bytes (RLIMIT_AS: allocations fail, Python raises MemoryError). */
  as: number;
  /** Tasks of its uid (RLIMIT_NPROC: fork fails): as root, its job slot's; in a user namespace of bwrap's, that namespace's. */
  nproc: number;
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE: SIGXFSZ). */
  fsize: number;
}

/** The defaults: ten times what a model answer uses or more, far short of what hurts the machine. */
export const DEFAULT_LIMITS: Limits = {
  cpu: 30, // the probe keeps a server ~8 s; a busy loop for all of it is 8 CPU s
  as: 1024 * 1024 * 1024, // 1 GiB: Python's own image is ~30 MB
  nproc: 64, // two servers, a few helpers; a fork bomb stops here
  fsize: 16 * 1024 * 1024, // 16 MiB: a server of the brief writes no files at all
};

/** The wall-clock limit of one whole submission (both servers and the structure), in ms. */
export const DEFAULT_WALL_MS = 120_000;

const KEYS = ["cpu", "as", "nproc", "fsize"] as const;

/** `cpu=30,as=1073741824,nproc=64,fsize=16777216`: the form `--limits` takes. */
export function formatLimits(limits: Limits): string {
  return KEYS.map((key) => `${key}=${limits[key]}`).join(",");
}

/** Parses the form of {@link formatLimits} (any subset; the rest default); throws RangeError with one line. */
export function parseLimits(text: string): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const part of text.split(",").filter(Boolean)) {
    const [key, value = ""] = part.split("=", 2);
    const known = (KEYS as readonly string[]).includes(key);
    const number = Number(value);
    if (!known || !Number.isSafeInteger(number) || number <= 0) {
      throw new RangeError(
        known
          ? `--limits: ${key} needs a positive whole number, not ${
            JSON.stringify(value)
          }`
          : `--limits: unknown limit ${JSON.stringify(key)} (known: ${
            KEYS.join(", ")
          })`,
      );
    }
    limits[key as keyof Limits] = number;
  }
  return limits;
}

/** The words that run a command under `limits`: `prlimit --cpu=30 ... --`. */
export function prlimitPrefix(limits: Limits): string[] {
  return ["prlimit", ...KEYS.map((key) => `--${key}=${limits[key]}`), "--"];
}

/** The limits in words, for the report. */
export function describeLimits(limits: Limits, wallMs: number): string {
  const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
  return `${limits.cpu} CPU s, ${
    mib(limits.as)
  } MiB address space, ${limits.nproc} processes, ${
    mib(limits.fsize)
  } MiB files, ${wallMs / 1000} s wall clock`;
}
