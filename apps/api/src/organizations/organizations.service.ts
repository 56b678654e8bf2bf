import { Injectable, Logger } from '@nestjs/common';
import { Conflict, Forbidden, hashSecret, newClientId, newClientSecret, NotFound, Page } from '@hookline/common';
import { Permission, Prisma, PrismaService } from '@hookline/db';
import { ClientDto, CreatedClientDto, OrganizationDto, UserDto } from './dto/organization.dto';

type OrgRow = { id: number; name: string; parentId: number | null; createdAt: Date };

const toOrg = (o: OrgRow): OrganizationDto => ({ id: o.id, name: o.name, parentId: o.parentId, createdAt: o.createdAt.getTime() });

/** Organizations, their users and API clients. Every method is scoped by organizationId. */
@Injectable()
export class OrganizationsService {
  private readonly logger = new Logger(OrganizationsService.name);

  constructor(private readonly prisma: PrismaService) {}

  async get(organizationId: number): Promise<OrganizationDto> {
    return toOrg(await this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId } }));
  }

  async listChildren(organizationId: number, page: number, size: number): Promise<Page<OrganizationDto>> {
    const where = { parentId: organizationId };
    const [items, total] = await Promise.all([
      this.prisma.organization.findMany({ where, orderBy: { id: 'asc' }, skip: page * size, take: size }),
      this.prisma.organization.count({ where }),
    ]);
    return { items: items.map(toOrg), page, size, total };
  }

  async createChild(organizationId: number, name: string): Promise<OrganizationDto> {
    const org = await this.prisma.organization.create({ data: { name, parentId: organizationId } });
    this.logger.log({ msg: 'organization created', organizationId: org.id, parentId: organizationId });
    return toOrg(org);
  }

  async listUsers(organizationId: number, page: number, size: number): Promise<Page<UserDto>> {
    const where = { organizationId };
    const [items, total] = await Promise.all([
      this.prisma.user.findMany({ where, orderBy: { id: 'asc' }, skip: page * size, take: size }),
      this.prisma.user.count({ where }),
    ]);
    return { items: items.map(toUser), page, size, total };
  }

  async createUser(organizationId: number, email: string, name: string): Promise<UserDto> {
    try {
      return toUser(await this.prisma.user.create({ data: { organizationId, email: email.toLowerCase(), name } }));
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new Conflict(`A user with email ${email} already exists in this organization`);
      }
      throw err;
    }
  }

  /** Deleting a user also removes it from every webhook's failure receivers, in one transaction. */
  async deleteUser(organizationId: number, userId: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.deleteMany({ where: { id: userId, organizationId } });
      if (count === 0) throw new NotFound('User not found or access denied');
      await tx.$executeRaw`
        UPDATE webhook SET failure_notify_user_ids = array_remove(failure_notify_user_ids, ${userId}), updated_at = now()
        WHERE organization_id = ${organizationId} AND ${userId} = ANY(failure_notify_user_ids)`;
    });
  }

  async listClients(organizationId: number, page: number, size: number): Promise<Page<ClientDto>> {
    const where = { organizationId, revokedAt: null };
    const [items, total] = await Promise.all([
      this.prisma.apiClient.findMany({ where, orderBy: { createdAt: 'asc' }, skip: page * size, take: size }),
      this.prisma.apiClient.count({ where }),
    ]);
    return {
      items: items.map((c) => ({ clientId: c.id, name: c.name, permissions: c.permissions, organizationId: c.organizationId, createdAt: c.createdAt.getTime() })),
      page,
      size,
      total,
    };
  }

  /**
   * A client can grant only permissions it holds itself, so ORG_ADMIN of a
   * sub-organization cannot mint broader credentials than it was given.
   */
  async createClient(organizationId: number, name: string, permissions: Permission[], granter: Permission[]): Promise<CreatedClientDto> {
    const beyond = permissions.filter((p) => !granter.includes(p));
    if (beyond.length) throw new Forbidden(`Cannot grant permissions the caller does not hold: ${beyond.join(', ')}`);
    const clientSecret = newClientSecret();
    const client = await this.prisma.apiClient.create({
      data: { id: newClientId(), organizationId, name, permissions, secretHash: hashSecret(clientSecret) },
    });
    this.logger.log({ msg: 'api client created', clientId: client.id, organizationId });
    return { clientId: client.id, clientSecret, name: client.name, permissions: client.permissions };
  }

  /**
   * Revocation is immediate: AuthGuard checks revoked_at on every request. It
   * follows the rule of creation: a caller cannot revoke a client holding
   * permissions it does not hold itself (a client's permissions never change).
   */
  async revokeClient(organizationId: number, clientId: string, revoker: Permission[]): Promise<void> {
    const target = await this.prisma.apiClient.findFirst({ where: { id: clientId, organizationId, revokedAt: null }, select: { permissions: true } });
    if (!target) throw new NotFound('Client not found or access denied');
    const beyond = target.permissions.filter((p) => !revoker.includes(p));
    if (beyond.length) throw new Forbidden(`Cannot revoke a client with permissions the caller does not hold: ${beyond.join(', ')}`);
    const { count } = await this.prisma.apiClient.updateMany({ where: { id: clientId, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new NotFound('Client not found or access denied');
    this.logger.log({ msg: 'api client revoked', clientId, organizationId });
  }
}

function toUser(u: { id: number; email: string; name: string; organizationId: number; createdAt: Date }): UserDto {
  return { id: u.id, email: u.email, name: u.name, organizationId: u.organizationId, createdAt: u.createdAt.getTime() };
}
