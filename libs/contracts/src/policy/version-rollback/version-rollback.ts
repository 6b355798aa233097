import { IsInt, IsString, Length, Matches, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { POLICY_DOMAIN_PATTERN } from '../decision-evaluate/decision-evaluate.js';

/**
 * policy.version.rollback — restores one domain's rules and bindings to what they were at
 * `toVersion`, as a new version (history is never rewritten; other domains are untouched).
 */
export class VersionRollbackRequest {
  @IsString()
  @Length(1, 256)
  actor!: string;

  @Matches(POLICY_DOMAIN_PATTERN)
  domain!: string;

  @IsInt()
  @Min(1)
  toVersion!: number;
}

export interface VersionRollbackReply {
  /** The new version, or the current one when the domain already matched. */
  version: number;
  changes: number;
}

export const VersionRollback = defineRpc<VersionRollbackRequest, VersionRollbackReply>('policy.version.rollback', VersionRollbackRequest);
