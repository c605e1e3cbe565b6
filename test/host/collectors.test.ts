/**
 * Every host collector run end to end on the fixture procfs/sysfs/rootfs (node_exporter's
 * fixture test, per collector): series, label values and values as node_exporter would give
 * them for the same files.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { collectText, loadCollector } from '../support/run-collector.js';
import { FIXTURES, FIXTURE_PATHS, UDEV, samples } from './fixtures.js';

async function run(name: string, options?: Record<string, unknown>, paths = FIXTURE_PATHS): Promise<Map<string, number>> {
  return samples(await collectText(await loadCollector(name), { paths, options }));
}

describe('cpu on fixtures', () => {
  it('exports seconds per mode and guest seconds per CPU', async () => {
    const s = await run('cpu');
    assert.equal(s.get('node_cpu_seconds_total{cpu="0",mode="user"}'), 321.23);
    assert.equal(s.get('node_cpu_seconds_total{cpu="1",mode="idle"}'), 860.5);
    assert.equal(s.get('node_cpu_guest_seconds_total{cpu="0",mode="user"}'), 0.12);
    assert.equal(s.get('node_cpu_guest_seconds_total{cpu="0",mode="nice"}'), 0.03);
    assert.equal([...s.keys()].filter((k) => k.startsWith('node_cpu_seconds_total')).length, 16);
  });

  it('exports isolation and thermal throttles from sysfs', async () => {
    const s = await run('cpu');
    assert.equal(s.get('node_cpu_isolated{cpu="1"}'), 1);
    assert.equal(s.get('node_cpu_core_throttles_total{package="0",core="0"}'), 5);
    assert.equal(s.get('node_cpu_core_throttles_total{package="0",core="1"}'), 0);
    assert.equal(s.get('node_cpu_package_throttles_total{package="0"}'), 30);
  });

  it('guest=false drops guest seconds; info and flag/bug filters add cpuinfo series', async () => {
    const s = await run('cpu', { guest: false, infoFlagsInclude: '^avx', infoBugsInclude: 'spectre' });
    assert.equal([...s.keys()].some((k) => k.startsWith('node_cpu_guest')), false);
    assert.equal(
      s.get('node_cpu_info{package="0",core="1",cpu="1",vendor="GenuineIntel",family="6",model="85",model_name="Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz",microcode="0x2006b06",stepping="4",cachesize="28160 KB"}'),
      1,
    );
    assert.deepEqual([...s.keys()].filter((k) => k.startsWith('node_cpu_flag_info')), ['node_cpu_flag_info{flag="avx"}', 'node_cpu_flag_info{flag="avx2"}']);
    assert.equal([...s.keys()].filter((k) => k.startsWith('node_cpu_bug_info')).length, 2);
  });
});

describe('stat on fixtures', () => {
  it('exports the /proc/stat scalars, softirqs only when asked', async () => {
    const s = await run('stat');
    assert.equal(s.get('node_context_switches_total'), 1478347);
    assert.equal(s.get('node_intr_total'), 675026);
    assert.equal(s.get('node_forks_total'), 19325);
    assert.equal(s.get('node_boot_time_seconds'), 1795675160);
    assert.equal(s.get('node_procs_running'), 9);
    assert.equal(s.get('node_procs_blocked'), 1);
    assert.equal([...s.keys()].some((k) => k.startsWith('node_softirqs_total')), false);
    const withSoftirq = await run('stat', { softirq: true });
    assert.equal(withSoftirq.get('node_softirqs_total{vector="net_rx"}'), 40000);
    assert.equal(withSoftirq.get('node_softirqs_total{vector="rcu"}'), 56984);
  });
});

describe('diskstats on fixtures', () => {
  it('applies the default device exclusion', async () => {
    const s = await run('diskstats');
    const devices = new Set([...s.keys()].filter((k) => k.startsWith('node_disk_reads_completed_total')).map((k) => /device="([^"]+)"/.exec(k)![1]));
    assert.deepEqual([...devices].sort(), ['dm-0', 'nvme0n1', 'sda', 'vda']);
  });

  it('scales sectors to bytes and ms to seconds, and exports what the kernel prints', async () => {
    const s = await run('diskstats');
    assert.equal(s.get('node_disk_read_bytes_total{device="vda"}'), 2619290 * 512);
    assert.equal(s.get('node_disk_read_time_seconds_total{device="vda"}'), 25987 * 0.001);
    assert.equal(s.get('node_disk_flush_requests_total{device="vda"}'), 1029);
    assert.equal(s.get('node_disk_discarded_sectors_total{device="vda"}'), 4280584);
    assert.equal(s.get('node_disk_io_now{device="sda"}'), 2);
    assert.equal(s.has('node_disk_discards_completed_total{device="sda"}'), false, 'an 11-counter line has no discards');
  });

  it('adds udev properties when the database has the device', async () => {
    const s = await run('diskstats', { 'udev-data': UDEV });
    assert.equal(
      s.get('node_disk_info{device="sda",major="8",minor="0",path="pci-0000:00:17.0-ata-1",wwn="0x5002538e40a0eb5c",model="Samsung_SSD_860_EVO_500GB",serial="S3Z2NB0K123456X",revision="RVT04B6Q"}'),
      1,
    );
    assert.equal(s.get('node_disk_ata_write_cache_enabled{device="sda"}'), 1);
    assert.equal(s.get('node_disk_ata_rotation_rate_rpm{device="sda"}'), 0);
    assert.equal(s.get('node_disk_device_mapper_info{device="dm-0",name="vg0-root",uuid="LVM-abc",vg_name="vg0",lv_name="root",lv_layer=""}'), 1);
    assert.equal(s.get('node_disk_filesystem_info{device="dm-0",type="ext4",usage="filesystem",uuid="1234-abcd",version="1.0"}'), 1);
    assert.equal([...s.keys()].some((k) => k.startsWith('node_disk_filesystem_info{device="sda"')), false, 'empty ID_FS_TYPE');
  });

  it('device-include replaces the default exclude; both set is an error', async () => {
    const s = await run('diskstats', { 'device-include': '^nvme' });
    assert.deepEqual([...s.keys()].filter((k) => k.startsWith('node_disk_reads_completed_total')), ['node_disk_reads_completed_total{device="nvme0n1"}', 'node_disk_reads_completed_total{device="nvme0n1p1"}']);
    await assert.rejects(run('diskstats', { 'device-include': '^nvme', 'device-exclude': '^sd' }), /mutually exclusive/);
  });
});

describe('filesystem on fixtures', () => {
  it('excludes node_exporter 1.5.0 default mount points and fs types, dedupes, flags statfs errors', async () => {
    const s = await run('filesystem');
    const mps = [...s.keys()].filter((k) => k.startsWith('node_filesystem_device_error')).sort();
    assert.deepEqual(mps, [
      'node_filesystem_device_error{device="//srv/share",fstype="cifs",mountpoint="/mnt/my share"}',
      'node_filesystem_device_error{device="/dev/vda",fstype="ext4",mountpoint="/"}',
      'node_filesystem_device_error{device="/dev/vda1",fstype="ext4",mountpoint="/boot"}',
      'node_filesystem_device_error{device="tmpfs",fstype="tmpfs",mountpoint="/run"}',
    ]);
    // statfs(<rootfs>/) works on the fixture root; the other mount points do not exist there.
    assert.equal(s.get('node_filesystem_device_error{device="/dev/vda",fstype="ext4",mountpoint="/"}'), 0);
    assert.ok((s.get('node_filesystem_size_bytes{device="/dev/vda",fstype="ext4",mountpoint="/"}') ?? 0) > 0);
    assert.equal(s.get('node_filesystem_readonly{device="/dev/vda",fstype="ext4",mountpoint="/"}'), 0);
    assert.equal(s.get('node_filesystem_device_error{device="/dev/vda1",fstype="ext4",mountpoint="/boot"}'), 1);
    assert.equal(s.has('node_filesystem_size_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/boot"}'), false);
  });

  it('takes its exclusions from the flags', async () => {
    const s = await run('filesystem', { 'mount-points-exclude': '^/(run|mnt|boot)($|/)', 'fs-types-exclude': '^$' });
    const mps = [...s.keys()].filter((k) => k.startsWith('node_filesystem_device_error')).map((k) => /mountpoint="([^"]*)"/.exec(k)![1]).sort();
    assert.deepEqual(mps, ['/', '/dev', '/proc', '/run/credentials/systemd-journald.service', '/sys', '/sys/fs/cgroup', '/var/lib/docker/overlay2/abc/merged'].filter((m) => !/^\/(run|mnt|boot)($|\/)/.test(m)));
  });
});

describe('netdev on fixtures', () => {
  it('exports the 16 /proc/net/dev counters plus nohandler from sysfs for every device', async () => {
    const s = await run('netdev');
    assert.equal(s.get('node_network_receive_bytes_total{device="eth0"}'), 236465178);
    assert.equal(s.get('node_network_transmit_carrier_total{device="eth0"}'), 11);
    assert.equal(s.get('node_network_receive_nohandler_total{device="eth0"}'), 7);
    assert.equal(s.get('node_network_receive_bytes_total{device="lo"}'), 187575);
    assert.equal(s.get('node_network_transmit_bytes_total{device="wg-0.5"}'), 200);
    assert.equal(s.has('node_network_receive_nohandler_total{device="wg-0.5"}'), false);
  });

  it('device-exclude, netlink=false and detailed metrics', async () => {
    const noLo = await run('netdev', { 'device-exclude': '^lo$' });
    assert.equal([...noLo.keys()].some((k) => k.includes('device="lo"')), false);
    const proc = await run('netdev', { netlink: false });
    assert.equal([...proc.keys()].some((k) => k.startsWith('node_network_receive_nohandler_total')), false);
    const detailed = await run('netdev', { 'enable-detailed-metrics': true });
    assert.equal(detailed.get('node_network_receive_errors_total{device="eth0"}'), 1);
    assert.equal(detailed.get('node_network_receive_dropped_total{device="eth0"}'), 2);
    assert.equal(detailed.has('node_network_receive_errs_total{device="eth0"}'), false);
  });
});

describe('netclass on fixtures', () => {
  it('exports each interface attribute node_exporter does, skipping regular files', async () => {
    const s = await run('netclass');
    assert.equal(s.get('node_network_up{device="eth0"}'), 1);
    assert.equal(s.get('node_network_up{device="lo"}'), 0);
    assert.equal(s.get('node_network_info{device="eth0",address="02:fc:00:00:00:01",broadcast="ff:ff:ff:ff:ff:ff",duplex="full",operstate="up",ifalias="uplink"}'), 1);
    assert.equal(s.get('node_network_flags{device="eth0"}'), 4099);
    assert.equal(s.get('node_network_mtu_bytes{device="lo"}'), 65536);
    assert.equal(s.get('node_network_speed_bytes{device="eth0"}'), 1250000000);
    assert.equal(s.get('node_network_speed_bytes{device="wg-0.5"}'), -125000);
    assert.equal(s.has('node_network_carrier{device="wg-0.5"}'), false);
    assert.equal(s.get('node_network_carrier_changes_total{device="eth0"}'), 2);
    assert.equal(s.get('node_network_protocol_type{device="lo"}'), 772);
    assert.equal([...s.keys()].some((k) => k.includes('bonding_masters')), false);
  });

  it('ignored-devices and ignore-invalid-speed', async () => {
    const s = await run('netclass', { 'ignored-devices': '^lo$', 'ignore-invalid-speed': true });
    assert.equal([...s.keys()].some((k) => k.includes('device="lo"')), false);
    assert.equal(s.has('node_network_speed_bytes{device="wg-0.5"}'), false);
  });
});

describe('netstat, vmstat, sockstat, pressure, entropy, filefd on fixtures', () => {
  it('netstat keeps the default fields only', async () => {
    const s = await run('netstat');
    assert.ok(s.has('node_netstat_Tcp_InSegs'));
    assert.ok(s.has('node_netstat_Ip6_InOctets'));
    assert.ok(s.has('node_netstat_TcpExt_ListenDrops'));
    assert.equal(s.has('node_netstat_TcpExt_TCPHPHits'), false);
    const other = await run('netstat', { fields: '^(TcpExt_TCPAbortOnTimeout|Tcp_MaxConn)$' });
    assert.deepEqual([...other.keys()].sort(), ['node_netstat_TcpExt_TCPAbortOnTimeout', 'node_netstat_Tcp_MaxConn']);
    assert.equal(other.get('node_netstat_Tcp_MaxConn'), -1);
  });

  it('vmstat keeps the default fields only; the pattern selects among the declared ones', async () => {
    const s = await run('vmstat');
    assert.deepEqual([...s.keys()].sort(), ['node_vmstat_oom_kill', 'node_vmstat_pgfault', 'node_vmstat_pgmajfault', 'node_vmstat_pgpgin', 'node_vmstat_pgpgout', 'node_vmstat_pswpin', 'node_vmstat_pswpout']);
    const other = await run('vmstat', { fields: '^(nr_dirty|pgscan_kswapd|nr_zspages)$' });
    // nr_zspages is in /proc/vmstat but not declared (see src/host/vmstat-fields.ts): not exported.
    assert.deepEqual([...other.keys()].sort(), ['node_vmstat_nr_dirty', 'node_vmstat_pgscan_kswapd']);
  });

  it('sockstat exports every key and mem × page size', async () => {
    const s = await run('sockstat');
    assert.equal(s.get('node_sockstat_sockets_used'), 24);
    assert.equal(s.get('node_sockstat_TCP_tw'), 2);
    assert.equal(s.get('node_sockstat_TCP_mem_bytes'), 217 * 4096);
    assert.equal(s.get('node_sockstat_UDP_mem_bytes'), 7 * 4096);
    assert.equal(s.get('node_sockstat_TCP6_inuse'), 2);
    assert.equal(s.get('node_sockstat_FRAG6_memory'), 0);
  });

  it('pressure converts microseconds to seconds', async () => {
    const s = await run('pressure');
    assert.equal(s.get('node_pressure_cpu_waiting_seconds_total'), 30.932959);
    assert.equal(s.get('node_pressure_io_stalled_seconds_total'), 1.126741);
    assert.equal(s.get('node_pressure_memory_waiting_seconds_total'), 2.5);
  });

  it('entropy and filefd (file path when procfs is not /proc)', async () => {
    const e = await run('entropy');
    assert.equal(e.get('node_entropy_available_bits'), 256);
    assert.equal(e.get('node_entropy_pool_size_bits'), 4096);
    const f = await run('filefd');
    assert.equal(f.get('node_filefd_allocated'), 579);
    assert.equal(f.get('node_filefd_maximum'), 2466170);
  });
});

describe('os, uname, time on fixtures', () => {
  it('os reads <rootfs>/etc/os-release, else <rootfs>/usr/lib/os-release', async () => {
    const s = await run('os');
    assert.equal(
      s.get('node_os_info{build_id="rolling \\"x\\"",id="ubuntu",id_like="debian",image_id="",image_version="",name="Ubuntu",pretty_name="Ubuntu 22.04.3 LTS",variant="Server \\"edition\\"",variant_id="",version="22.04.3 LTS (Jammy Jellyfish)",version_codename="jammy",version_id="22.04"}'),
      1,
    );
    assert.equal(s.get('node_os_version{id="ubuntu",id_like="debian",name="Ubuntu"}'), 22.04);
    const arch = await run('os', undefined, { ...FIXTURE_PATHS, rootfs: path.join(FIXTURES, 'rootfs-usrlib') });
    assert.equal([...arch.keys()].filter((k) => k.startsWith('node_os_info')).length, 1);
    assert.equal([...arch.keys()].some((k) => k.startsWith('node_os_version')), false, 'no VERSION_ID: no version series');
  });

  it('uname takes the domain name from <procfs>/sys/kernel/domainname', async () => {
    const s = await run('uname');
    const [key] = [...s.keys()];
    assert.match(key!, /^node_uname_info\{sysname="Linux",release="[^"]+",version="[^"]*",machine="[^"]+",nodename="[^"]*",domainname="example\.org"\}$/);
  });

  it('time reads the clock sources from sysfs', async () => {
    const before = Date.now() / 1000;
    const s = await run('time');
    const now = s.get('node_time_seconds')!;
    assert.ok(now >= before - 0.001 && now <= Date.now() / 1000 + 0.001);
    assert.equal(s.get('node_time_clocksource_current_info{device="0",clocksource="kvm-clock"}'), 1);
    assert.deepEqual([...s.keys()].filter((k) => k.startsWith('node_time_clocksource_available_info')).length, 3);
    assert.ok([...s.keys()].some((k) => k.startsWith('node_time_zone_offset_seconds{time_zone=')));
  });
});
