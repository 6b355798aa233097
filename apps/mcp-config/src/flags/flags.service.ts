import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ConfigFlagChanged,
  DomainError,
  ErrorCode,
  type FlagDefinition,
  type FlagInput,
  type FlagKillRequest,
  type FlagListRequest,
  type FlagSetRequest,
  type JsonValue,
} from '#contracts';
import { flagDefinitionProblems } from '#config-client';
import { ChangeLog } from '../changes/change-log.js';
import { JsonSchemaValidator } from '../entries/json-schema.js';
import { FLAG_INPUT_SCHEMA } from './flag-schema.js';

interface FlagRow {
  definition: FlagDefinition;
}

@Injectable()
export class FlagsService {
  private readonly validator = new JsonSchemaValidator();

  constructor(
    private readonly db: DataSource,
    private readonly changes: ChangeLog,
  ) {}

  async list(request: FlagListRequest, manager: EntityManager = this.db.manager): Promise<FlagDefinition[]> {
    const rows = (await manager.query(`SELECT definition FROM config.flags WHERE $1::text IS NULL OR key = $1 ORDER BY key`, [
      request.key ?? null,
    ])) as FlagRow[];
    if (request.key && rows.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, `No flag ${request.key}`, { key: request.key });
    return rows.map((r) => r.definition);
  }

  async set(request: FlagSetRequest): Promise<FlagDefinition> {
    const input = this.validInput(request.flag);
    const flag = await this.db.transaction(async (manager) => {
      const current = (await manager.query(`SELECT definition FROM config.flags WHERE key = $1 FOR UPDATE`, [input.key])) as FlagRow[];
      const currentVersion = current[0]?.definition.version ?? 0;
      if (request.expectedVersion !== currentVersion) {
        throw new DomainError(
          ErrorCode.VERSION_CONFLICT,
          `Flag ${input.key} is at version ${currentVersion}, not ${request.expectedVersion}`,
          {
            key: input.key,
            currentVersion,
            expectedVersion: request.expectedVersion,
          },
        );
      }
      const next: FlagDefinition = {
        ...input,
        killed: current[0]?.definition.killed ?? false,
        version: currentVersion + 1,
        updatedAt: new Date().toISOString(),
        updatedBy: request.actor,
      };
      await this.store(manager, next, current.length === 0, request.reason ?? null);
      await this.changes.record(manager, ConfigFlagChanged, { operation: 'set', flag: next });
      return next;
    });
    await this.changes.flush();
    return flag;
  }

  async kill(request: FlagKillRequest): Promise<FlagDefinition> {
    const flag = await this.db.transaction(async (manager) => {
      const current = (await manager.query(`SELECT definition FROM config.flags WHERE key = $1 FOR UPDATE`, [request.key])) as FlagRow[];
      if (!current[0]) throw new DomainError(ErrorCode.NOT_FOUND, `No flag ${request.key}`, { key: request.key });
      const next: FlagDefinition = {
        ...current[0].definition,
        killed: request.killed,
        version: current[0].definition.version + 1,
        updatedAt: new Date().toISOString(),
        updatedBy: request.actor,
      };
      await this.store(manager, next, false, request.reason ?? (request.killed ? 'kill switch' : 'kill switch released'));
      await this.changes.record(manager, ConfigFlagChanged, { operation: request.killed ? 'kill' : 'unkill', flag: next });
      return next;
    });
    await this.changes.flush();
    return flag;
  }

  private validInput(raw: FlagInput): FlagInput {
    const shape = this.validator.validate(FLAG_INPUT_SCHEMA, raw as unknown as JsonValue);
    if (shape.length)
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Invalid flag definition', {
        violations: shape.map((v) => ({ ...v, path: `/flag${v.path}` })),
      });
    const problems = flagDefinitionProblems(raw);
    if (problems.length) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Inconsistent flag definition', {
        violations: problems.map((p) => ({ path: `/flag${p.slice(0, p.indexOf(':'))}`, message: p.slice(p.indexOf(':') + 2) })),
      });
    }
    return raw;
  }

  private async store(manager: EntityManager, flag: FlagDefinition, create: boolean, reason: string | null): Promise<void> {
    const definition = JSON.stringify(flag);
    await manager.query(
      create
        ? `INSERT INTO config.flags (key, definition, version, updated_by) VALUES ($1, $2, $3, $4)`
        : `UPDATE config.flags SET definition = $2, version = $3, updated_by = $4, updated_at = now() WHERE key = $1`,
      [flag.key, definition, flag.version, flag.updatedBy],
    );
    await manager.query(`INSERT INTO config.flag_versions (key, version, definition, actor, reason) VALUES ($1, $2, $3, $4, $5)`, [
      flag.key,
      flag.version,
      definition,
      flag.updatedBy,
      reason,
    ]);
  }
}
