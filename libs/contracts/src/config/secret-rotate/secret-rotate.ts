import { ActorField } from '../../audit-fields.js';
import { defineRpc } from '../../rpc.js';

/**
 * Re-wraps every data key still wrapped by a previous KEK under the current CONFIG_KEK
 * (the previous ones come from CONFIG_KEK_PREVIOUS). Secret ciphertexts are untouched.
 * Once `remaining` is 0 the previous KEKs can be removed from the environment.
 */
export class SecretRotateRequest {
  @ActorField()
  actor: string;
}

export interface SecretRotateReply {
  kekId: string;
  rewrapped: number;
  remaining: number;
}

export const ConfigSecretRotate = defineRpc<SecretRotateRequest, SecretRotateReply>('config.secret.rotate', SecretRotateRequest);
