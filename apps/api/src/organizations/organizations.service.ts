import { Injectable, Logger } from '@nestjs/common';
import { Conflict, Forbidden, hashSecret, newClientId, newClientSecret, NotFound, Page } from '@hookline/common';
import { ClientsRepository, OrganizationsRepository, Permission, UsersRepository } from '@hookline/db';
import { ClientDto, CreatedClientDto, OrganizationDto, UserDto } from './dto/organization.dto';

type OrgRow = { id: number; name: string; parentId: number | null; createdAt: Date };

const toOrg = (o: OrgRow): OrganizationDto => ({ id: o.id, name: o.name, parentId: o.parentId, createdAt: o.createdAt.getTime() });

/** Organizations, their users and API clients. Every method is scoped by organizationId. */
@Injectable()
export class OrganizationsService {
  private readonly logger = new Logger(OrganizationsService.name);

  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
    private readonly clients: ClientsRepository,
  ) {}

  async get(organizationId: number): Promise<OrganizationDto> {
    return toOrg(await this.organizations.get(organizationId));
  }

  async listChildren(organizationId: number, page: number, size: number): Promise<Page<OrganizationDto>> {
    const { rows, total } = await this.organizations.listChildren(organizationId, page, size);
    return { items: rows.map(toOrg), page, size, total };
  }

  async createChild(organizationId: number, name: string): Promise<OrganizationDto> {
    const org = await this.organizations.createChild(organizationId, name);
    this.logger.log({ msg: 'organization created', organizationId: org.id, parentId: organizationId });
    return toOrg(org);
  }

  async listUsers(organizationId: number, page: number, size: number): Promise<Page<UserDto>> {
    const { rows, total } = await this.users.list(organizationId, page, size);
    return { items: rows.map(toUser), page, size, total };
  }

  async createUser(organizationId: number, email: string, name: string): Promise<UserDto> {
    const user = await this.users.create(organizationId, email, name);
    if (!user) throw new Conflict(`A user with email ${email} already exists in this organization`);
    return toUser(user);
  }

  /** Deleting a user also removes it from every webhook's failure receivers. */
  async deleteUser(organizationId: number, userId: number): Promise<void> {
    if (!(await this.users.delete(organizationId, userId))) throw new NotFound('User not found or access denied');
  }

  async listClients(organizationId: number, page: number, size: number): Promise<Page<ClientDto>> {
    const { rows, total } = await this.clients.listActive(organizationId, page, size);
    return {
      items: rows.map((c) => ({ clientId: c.id, name: c.name, permissions: c.permissions, organizationId: c.organizationId, createdAt: c.createdAt.getTime() })),
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
    assertGrantable(permissions, granter);
    const clientSecret = newClientSecret();
    const client = await this.clients.create({ id: newClientId(), organizationId, name, permissions, secretHash: hashSecret(clientSecret) });
    this.logger.log({ msg: 'api client created', clientId: client.id, organizationId });
    return { clientId: client.id, clientSecret, name: client.name, permissions: client.permissions };
  }

  /**
   * Revocation is immediate: AuthGuard checks revoked_at on every request. It
   * follows the rule of creation: a caller cannot revoke a client holding
   * permissions it does not hold itself (a client's permissions never change).
   */
  async revokeClient(organizationId: number, clientId: string, revoker: Permission[]): Promise<void> {
    const target = await this.clients.findActive(organizationId, clientId);
    if (!target) throw new NotFound('Client not found or access denied');
    const beyond = target.permissions.filter((p) => !revoker.includes(p));
    if (beyond.length) throw new Forbidden(`Cannot revoke a client with permissions the caller does not hold: ${beyond.join(', ')}`);
    if (!(await this.clients.revoke(organizationId, clientId))) throw new NotFound('Client not found or access denied');
    this.logger.log({ msg: 'api client revoked', clientId, organizationId });
  }
}

/** The rule of every credential a caller hands out (an API client, a portal link): only permissions it holds itself. */
export function assertGrantable(permissions: Permission[], granter: Permission[]): void {
  const beyond = permissions.filter((p) => !granter.includes(p));
  if (beyond.length) throw new Forbidden(`Cannot grant permissions the caller does not hold: ${beyond.join(', ')}`);
}

function toUser(u: { id: number; email: string; name: string; organizationId: number; createdAt: Date }): UserDto {
  return { id: u.id, email: u.email, name: u.name, organizationId: u.organizationId, createdAt: u.createdAt.getTime() };
}
