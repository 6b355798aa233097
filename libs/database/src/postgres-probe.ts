import type { DataSource } from 'typeorm';
import type { DependencyProbe } from '#observability';

export class PostgresProbe implements DependencyProbe {
  readonly name = 'postgres';
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
