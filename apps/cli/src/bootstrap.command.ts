import { Permission, PrismaClient } from '@hookline/db';
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
  return prisma.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: { name: orgName, parentId: parentId ?? null } });
    const client = await tx.apiClient.create({
      data: {
        id: newClientId(),
        organizationId: org.id,
        name: `${orgName} bootstrap admin`,
        permissions: Object.values(Permission),
        secretHash: hashSecret(clientSecret),
      },
    });
    return { organizationId: org.id, clientId: client.id, clientSecret };
  });
}
