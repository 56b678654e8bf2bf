import { ClientsRepository, Permission, PrismaClient } from '@hookline/db';
import { hashSecret, newClientId, newClientSecret } from '@hookline/common';

export interface BootstrapResult {
  organizationId: number;
  clientId: string;
  clientSecret: string;
}

/**
 * Creates an organization and an ORG_ADMIN client holding every permission, in
 * one transaction (SPEC §9). The secret exists only in the returned value.
 */
export async function bootstrap(prisma: PrismaClient, orgName: string, parentId?: number): Promise<BootstrapResult> {
  const clientSecret = newClientSecret();
  const client = await new ClientsRepository(prisma).createOrganizationWithClient(
    { name: orgName, parentId: parentId ?? null },
    { id: newClientId(), name: `${orgName} bootstrap admin`, permissions: Object.values(Permission), secretHash: hashSecret(clientSecret) },
  );
  return { organizationId: client.organizationId, clientId: client.id, clientSecret };
}
