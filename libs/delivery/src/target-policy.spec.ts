import { TargetPolicy, classifyAddress } from './target-policy';

describe(classifyAddress.name, () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
  ])('IPv4 %s is %s', (ip, cls) => expect(classifyAddress(ip)).toBe(cls));

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'metadata'],
    ['2001:db8::1', 'reserved'],
    ['[::1]', 'loopback'],
  ])('IPv6 %s is %s', (ip, cls) => expect(classifyAddress(ip)).toBe(cls));

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['::127.0.0.1', 'loopback'],
  ])('mapped and embedded IPv4 %s is %s', (ip, cls) => expect(classifyAddress(ip)).toBe(cls));

  it('calls non-addresses invalid', () => {
    expect(classifyAddress('example.com')).toBe('invalid');
    expect(classifyAddress('2130706433')).toBe('invalid'); // alternate spellings are normalised by URL parsing first
  });
});

describe(TargetPolicy.name, () => {
  it('refuses non-public addresses by default and allows public ones', () => {
    const sut = new TargetPolicy();
    expect(sut.isAllowedAddress('127.0.0.1').allowed).toBe(false);
    expect(sut.isAllowedAddress('::ffff:127.0.0.1').allowed).toBe(false);
    expect(sut.isAllowedAddress('93.184.216.34').allowed).toBe(true);
  });

  it('opens exactly the allow-listed CIDRs, including mapped forms', () => {
    const sut = new TargetPolicy(['127.0.0.0/8', '::1/128']);
    expect(sut.isAllowedAddress('127.0.0.1').allowed).toBe(true);
    expect(sut.isAllowedAddress('::ffff:127.0.0.1').allowed).toBe(true);
    expect(sut.isAllowedAddress('::1').allowed).toBe(true);
    expect(sut.isAllowedAddress('10.0.0.1').allowed).toBe(false);
    expect(sut.isAllowedAddress('169.254.169.254').allowed).toBe(false);
  });

  it('checks literal hosts as the WHATWG URL parser normalises them (decimal, hex, octal, short forms)', () => {
    const sut = new TargetPolicy();
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/']) {
      expect(sut.checkLiteralHost(new URL(url).hostname)).toMatch(/not allowed|local or metadata/);
    }
    expect(sut.checkLiteralHost('localhost')).toMatch(/local/);
    expect(sut.checkLiteralHost('metadata.google.internal')).toMatch(/metadata/);
    expect(sut.checkLiteralHost('example.com')).toBeNull();
    expect(sut.checkLiteralHost('93.184.216.34')).toBeNull();
  });

  it.each([['169.254.0.0/16'], ['100.64.0.0/10'], ['0.0.0.0/0'], ['::/0'], ['fd00::/8'], ['168.63.129.16/32'], ['192.0.0.0/24']])(
    'refuses cloud metadata addresses in every form even with %s allow-listed',
    (cidr) => {
      const sut = new TargetPolicy([cidr, '0.0.0.0/0', '::/0']);
      for (const ip of ['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16', '192.0.0.192', 'fd00:ec2::254', 'fd20:ce::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', 'fd00:ec2:0:0:0:0:0:254']) {
        expect(sut.isAllowedAddress(ip)).toEqual({ allowed: false, class: 'metadata' });
      }
      for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/', 'http://0xa9fea9fe/', 'http://2852039166/', 'http://[::ffff:169.254.169.254]/', 'http://metadata.google.internal/']) {
        expect(sut.checkLiteralHost(new URL(url).hostname)).toMatch(/metadata/);
      }
      // What the allow-list is for still opens.
      expect(sut.isAllowedAddress('10.1.2.3').allowed).toBe(true);
    },
  );

  it('lets localhost through when loopback is allow-listed', () => {
    const sut = new TargetPolicy(['127.0.0.0/8']);
    expect(sut.checkLiteralHost('localhost')).toBeNull();
    expect(sut.checkLiteralHost('127.0.0.1')).toBeNull();
  });
});
