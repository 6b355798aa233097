import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  ApiKeyCreateRequest,
  ApiKeyListRequest,
  ApiKeyRevokeRequest,
  ApiKeyVerifyRequest,
  ConfigApiKeyCreate,
  ConfigApiKeyList,
  ConfigApiKeyRevoke,
  ConfigApiKeyVerify,
  ConfigEntryGet,
  ConfigEntryResolve,
  ConfigEntryHistory,
  ConfigEntryRollback,
  ConfigEntrySet,
  ConfigFlagKill,
  ConfigFlagList,
  ConfigFlagSet,
  ConfigSchemaSet,
  ConfigSecretPut,
  ConfigSecretResolve,
  ConfigSecretRotate,
  ConfigTenantDelete,
  ConfigTenantExport,
  ConfigTenantGet,
  ConfigTenantImport,
  ConfigTenantList,
  ConfigTenantOnboard,
  ConfigTenantResume,
  ConfigTenantSuspend,
  ConfigTenantUpdate,
  EntryGetRequest,
  EntryResolveRequest,
  EntryHistoryRequest,
  EntryRollbackRequest,
  EntrySetRequest,
  FlagKillRequest,
  FlagListRequest,
  FlagSetRequest,
  SchemaSetRequest,
  SecretPutRequest,
  SecretResolveRequest,
  SecretRotateRequest,
  TenantDeleteRequest,
  TenantExportRequest,
  TenantGetRequest,
  TenantImportRequest,
  TenantListRequest,
  TenantOnboardRequest,
  TenantResumeRequest,
  TenantSuspendRequest,
  TenantUpdateRequest,
} from '#contracts';
import { ApiKeysService } from './apikeys/apikeys.service.js';
import { EntriesService } from './entries/entries.service.js';
import { FlagsService } from './flags/flags.service.js';
import { SecretsService } from './secrets/secrets.service.js';
import { TenantsService } from './tenants/tenants.service.js';

/** The config.* request/reply subjects; payloads arrive validated against their contract classes. */
@Controller()
export class ConfigController {
  constructor(
    private readonly entries: EntriesService,
    private readonly flags: FlagsService,
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
    private readonly secrets: SecretsService,
  ) {}

  @MessagePattern(ConfigEntryGet.subject)
  entryGet(request: EntryGetRequest) {
    return this.entries.get(request);
  }

  @MessagePattern(ConfigEntryResolve.subject)
  entryResolve(request: EntryResolveRequest) {
    return this.entries.resolve(request);
  }

  @MessagePattern(ConfigEntrySet.subject)
  entrySet(request: EntrySetRequest) {
    return this.entries.set(request);
  }

  @MessagePattern(ConfigEntryHistory.subject)
  entryHistory(request: EntryHistoryRequest) {
    return this.entries.history(request);
  }

  @MessagePattern(ConfigEntryRollback.subject)
  entryRollback(request: EntryRollbackRequest) {
    return this.entries.rollback(request);
  }

  @MessagePattern(ConfigSchemaSet.subject)
  schemaSet(request: SchemaSetRequest) {
    return this.entries.setSchema(request);
  }

  @MessagePattern(ConfigFlagList.subject)
  async flagList(request: FlagListRequest) {
    return { flags: await this.flags.list(request) };
  }

  @MessagePattern(ConfigFlagSet.subject)
  flagSet(request: FlagSetRequest) {
    return this.flags.set(request);
  }

  @MessagePattern(ConfigFlagKill.subject)
  flagKill(request: FlagKillRequest) {
    return this.flags.kill(request);
  }

  @MessagePattern(ConfigTenantGet.subject)
  tenantGet(request: TenantGetRequest) {
    return this.tenants.get(request.tenantId);
  }

  @MessagePattern(ConfigTenantList.subject)
  async tenantList(request: TenantListRequest) {
    return { tenants: await this.tenants.list(request.status) };
  }

  @MessagePattern(ConfigTenantOnboard.subject)
  tenantOnboard(request: TenantOnboardRequest) {
    return this.tenants.onboard(request);
  }

  @MessagePattern(ConfigTenantImport.subject)
  tenantImport(request: TenantImportRequest) {
    return this.tenants.importYaml(request.yaml, request.actor);
  }

  @MessagePattern(ConfigTenantUpdate.subject)
  tenantUpdate(request: TenantUpdateRequest) {
    return this.tenants.update(request);
  }

  @MessagePattern(ConfigTenantSuspend.subject)
  tenantSuspend(request: TenantSuspendRequest) {
    return this.tenants.suspend(request.tenantId, request.actor);
  }

  @MessagePattern(ConfigTenantResume.subject)
  tenantResume(request: TenantResumeRequest) {
    return this.tenants.resume(request.tenantId, request.actor);
  }

  @MessagePattern(ConfigTenantExport.subject)
  tenantExport(request: TenantExportRequest) {
    return this.tenants.export(request.tenantId);
  }

  @MessagePattern(ConfigTenantDelete.subject)
  tenantDelete(request: TenantDeleteRequest) {
    return this.tenants.delete(request);
  }

  @MessagePattern(ConfigApiKeyCreate.subject)
  apiKeyCreate(request: ApiKeyCreateRequest) {
    return this.apiKeys.create(request);
  }

  @MessagePattern(ConfigApiKeyList.subject)
  async apiKeyList(request: ApiKeyListRequest) {
    return { keys: await this.apiKeys.list(request.tenantId) };
  }

  @MessagePattern(ConfigApiKeyRevoke.subject)
  apiKeyRevoke(request: ApiKeyRevokeRequest) {
    return this.apiKeys.revoke(request);
  }

  @MessagePattern(ConfigApiKeyVerify.subject)
  apiKeyVerify(request: ApiKeyVerifyRequest) {
    return this.apiKeys.verify(request.key);
  }

  @MessagePattern(ConfigSecretPut.subject)
  secretPut(request: SecretPutRequest) {
    return this.secrets.put(request);
  }

  @MessagePattern(ConfigSecretResolve.subject)
  secretResolve(request: SecretResolveRequest) {
    return this.secrets.resolve(request);
  }

  @MessagePattern(ConfigSecretRotate.subject)
  secretRotate(request: SecretRotateRequest) {
    return this.secrets.rotate(request.actor);
  }
}
