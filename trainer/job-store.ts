/**
 * The local job registry: every job flowtune launched, with what it needs to find it
 * again (provider, base URL, idempotency key, uploaded files). `watch` resumes from it
 * after a crash; `start` consults it before creating anything. One JSON file, written
 * to a temp file and renamed, under the user's config folder (`FLOWTUNE_HOME`, or
 * `--registry`, overrides). Artifacts of a job (metrics CSV, loss curve) live beside it
 * in `jobs/<provider>-<jobId>/`. Several processes may share the folder: every change is a
 * read-modify-write under `jobs.json.lock`, and a launch holds `locks/launch-<key>.lock`
 * from the look-up of its twin to the record of its job (see launch.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../dataset/writer';
import { withFileLockSync } from '../core/file-lock';
import { asTrainerLockError } from './errors';
import { PROVIDER_NAMES, type ProviderName } from './providers';
import { parseShape } from '../core/zod-errors';

const PROVIDER_NAME = z.enum(PROVIDER_NAMES as [ProviderName, ...ProviderName[]]);

/** One job flowtune launched, as the registry keeps it. */
export const JOB_RECORD_SCHEMA = z.object({
  provider: PROVIDER_NAME,
  baseURL: z.string(),
  jobId: z.string(),
  /** Idempotency key: hash of the dataset and the job parameters. */
  key: z.string(),
  model: z.string(),
  suffix: z.string().optional(),
  trainingFile: z.string(),
  validationFile: z.string().optional(),
  /** Paths the data came from, for humans. */
  dataPath: z.string(),
  validationPath: z.string().optional(),
  createdAt: z.string(),
  status: z.string(),
  fineTunedModel: z.string().nullable().optional(),
  /** Cost estimate shown before launch (USD), when a price was known. */
  estimatedUsd: z.number().nullable().optional(),
});

export type JobRecord = z.infer<typeof JOB_RECORD_SCHEMA>;

/** Files already uploaded, by content hash: a relaunch does not upload them again. */
export const UPLOAD_RECORD_SCHEMA = z.object({
  provider: PROVIDER_NAME,
  baseURL: z.string(),
  sha256: z.string(),
  fileId: z.string(),
  filename: z.string(),
  uploadedAt: z.string(),
});

export type UploadRecord = z.infer<typeof UPLOAD_RECORD_SCHEMA>;

/**
 * jobs.json. Fields this version does not know are kept (`passthrough`), so a rewrite by an
 * older flowtune does not drop what a newer one recorded; a missing list is an empty one.
 */
export const REGISTRY_FILE_SCHEMA = z
  .object({
    version: z.literal(1).default(1),
    jobs: z.array(JOB_RECORD_SCHEMA.passthrough()).default([]),
    uploads: z.array(UPLOAD_RECORD_SCHEMA.passthrough()).default([]),
  })
  .passthrough();

type RegistryFile = z.infer<typeof REGISTRY_FILE_SCHEMA>;

/** The user's config folder for flowtune (XDG on Linux, Application Support on macOS, APPDATA on Windows). */
export function defaultRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWTUNE_HOME) return env.FLOWTUNE_HOME;
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'flowtune');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'flowtune');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'flowtune');
}

export class JobRegistry {
  readonly file: string;

  constructor(readonly dir: string = defaultRegistryDir()) {
    this.file = path.join(dir, 'jobs.json');
  }

  private read(): RegistryFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, jobs: [], uploads: [] };
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.file}: the job registry is not valid JSON (${(error as Error).message}); fix or move it away`);
    }
    return parseShape(REGISTRY_FILE_SCHEMA, value, this.file, (message) => new Error(`${message} (in the job registry; fix or move it away)`));
  }

  /** Read, change and write back without losing another process's change made in between. */
  private change(edit: (data: RegistryFile) => void): void {
    mkdirSync(this.dir, { recursive: true });
    try {
      withFileLockSync(`${this.file}.lock`, { purpose: 'updating the job registry', waitMs: 10_000 }, () => {
        const data = this.read();
        edit(data);
        writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
      });
    } catch (error) {
      throw asTrainerLockError(error);
    }
  }

  /** The lock file a launch with this idempotency key holds from twin look-up to record. */
  launchLockFile(key: string): string {
    return path.join(this.dir, 'locks', `launch-${key.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`);
  }

  jobs(): JobRecord[] {
    return this.read().jobs;
  }

  find(jobId: string): JobRecord | undefined {
    return this.read().jobs.find((j) => j.jobId === jobId);
  }

  findByKey(key: string): JobRecord[] {
    return this.read().jobs.filter((j) => j.key === key);
  }

  /** Insert or update (by provider + job id). */
  save(record: JobRecord): void {
    this.change((data) => {
      const index = data.jobs.findIndex((j) => j.jobId === record.jobId && j.provider === record.provider);
      if (index >= 0) data.jobs[index] = { ...data.jobs[index], ...record };
      else data.jobs.push(record);
    });
  }

  update(jobId: string, patch: Partial<JobRecord>): void {
    if (!this.find(jobId)) return;
    this.change((data) => {
      const record = data.jobs.find((j) => j.jobId === jobId);
      if (record) Object.assign(record, patch);
    });
  }

  upload(provider: ProviderName, baseURL: string, sha256: string): UploadRecord | undefined {
    return this.read().uploads.find((u) => u.provider === provider && u.baseURL === baseURL && u.sha256 === sha256);
  }

  saveUpload(record: UploadRecord): void {
    this.change((data) => {
      data.uploads = data.uploads.filter((u) => !(u.provider === record.provider && u.baseURL === record.baseURL && u.sha256 === record.sha256));
      data.uploads.push(record);
    });
  }

  forgetUpload(fileId: string): void {
    this.change((data) => {
      data.uploads = data.uploads.filter((u) => u.fileId !== fileId);
    });
  }

  /** Folder of a job's artifacts (created). */
  artifactsDir(record: Pick<JobRecord, 'provider' | 'jobId'>): string {
    const dir = path.join(this.dir, 'jobs', `${record.provider}-${record.jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}
