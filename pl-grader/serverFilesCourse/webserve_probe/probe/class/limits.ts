/**
 * The resource limits a submission's programs run under, as `prlimit` sets
 * them: CPU seconds, address space, processes and file size. The wall-clock
 * limit on a whole submission is the class runner's (see `sandbox.ts`).
 *
 * @module
 */

/** The limits of one program of a submission. */
export interface Limits {
  /** CPU seconds per process (RLIMIT_CPU: SIGXCPU, then SIGKILL). */
  cpu: number;
  /** Address space per process, in bytes (RLIMIT_AS: allocations fail, Python raises MemoryError). */
  as: number;
  /**
   * Tasks (processes and threads) of the user, counted over all the user
   * runs (RLIMIT_NPROC: fork fails). The kernel does not apply it to root;
   * class mode sets it to {@link NPROC_HEADROOM} beyond what the user runs
   * when the grading starts.
   */
  nproc: number;
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE: SIGXFSZ). */
  fsize: number;
}

/**
 * The defaults. A model answer uses about 1 CPU second and 30 MB over a whole
 * probe; each limit leaves it ten times that or more, and stops a runaway
 * long before it hurts the machine.
 */
export const DEFAULT_LIMITS: Limits = {
  cpu: 30, // the probe keeps a server ~8 s; a busy loop for all of it is 8 CPU s
  as: 1024 * 1024 * 1024, // 1 GiB: Python's own image is ~30 MB
  nproc: 64, // a server, a few helpers; a fork bomb stops here (not for root)
  fsize: 16 * 1024 * 1024, // 16 MiB: a server of the brief writes no files at all
};

/** Tasks a submission may add to what its user runs already (a server, its threads, a few helpers, the probe's own, with room for what the user starts meanwhile). */
export const NPROC_HEADROOM = 256;

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
  for (const part of text.split(",").filter((p) => p !== "")) {
    const [key, value] = part.split("=", 2);
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new RangeError(
        `--limits: unknown limit ${JSON.stringify(key)} (known: ${
          KEYS.join(", ")
        })`,
      );
    }
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number <= 0) {
      throw new RangeError(
        `--limits: ${key} needs a positive whole number, not ${
          JSON.stringify(value ?? "")
        }`,
      );
    }
    limits[key as keyof Limits] = number;
  }
  return limits;
}

/** The words that run a command under `limits`: `prlimit --cpu=30 ... --`. */
export function prlimitPrefix(limits: Limits): string[] {
  return [
    "prlimit",
    `--cpu=${limits.cpu}`,
    `--as=${limits.as}`,
    `--nproc=${limits.nproc}`,
    `--fsize=${limits.fsize}`,
    "--",
  ];
}

/** The limits in words, for the report. */
export function describeLimits(limits: Limits, wallMs?: number): string {
  const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
  return [
    `${limits.cpu} CPU s`,
    `${mib(limits.as)} address space`,
    `${limits.nproc} processes`,
    `${mib(limits.fsize)} files`,
    ...(wallMs === undefined ? [] : [`${wallMs / 1000} s wall clock`]),
  ].join(", ");
}
