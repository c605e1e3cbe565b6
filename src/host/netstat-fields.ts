/**
 * Field names of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 (Linux 3.x to 6.18), by
 * protocol, and the subset the netstat collector declares.
 *
 * A collector declares its families up front, and today every declared family costs on every
 * scrape even without a series (~7 µs each, measured: the runtime renders its HELP/TYPE lines
 * and counts it in atomic_exporter_metric_series). Declaring all ~530 known fields would cost
 * ~4 ms per scrape for nothing, so the collector declares NETSTAT_DECLARED: node_exporter's
 * default selection, every counter of Ip, IpExt, Tcp, Udp and Udp6, and the TcpExt counters
 * people alert on (drops, retransmits, aborts, pruning).
 * `--collector.netstat.fields` selects among those; a field outside them is not exported (add
 * it to DECLARED_TCP_EXT or DECLARED_PROTOCOLS below).
 */

const list = (s: string): string[] => s.split(/\s+/).filter((x) => x !== '');

const TCP_EXT = list(`
SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned
OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSPassive PAWSActive
PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked
DelayedACKLost ListenOverflows ListenDrops TCPPrequeued TCPDirectCopyFromBacklog
TCPDirectCopyFromPrequeue TCPPrequeueDropped TCPHPHits TCPHPHitsToUser TCPPureAcks TCPHPAcks
TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder
TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures
TCPSackFailures TCPLossFailures TCPFastRetrans TCPForwardRetrans TCPSlowStartRetrans
TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail
TCPSchedulerFailed TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent
TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory
TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono
TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound
TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback
TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter
TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce
TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive
TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow
TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets
TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans
TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect
TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq
TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive
TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop
TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash
TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash
TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps
`);

const IP_EXT = list(`
InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets
InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts
InECT0Pkts InCEPkts ReasmOverlaps
`);

const MPTCP_EXT = list(`
MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK
MPCapableFallbackSYNACK MPCapableSYNTXDrop MPCapableSYNTXDisabled MPCapableEndpAttempt
MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx MPJoinSynBackupRx
MPJoinSynAckRx MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure
MPJoinRejected MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr MPJoinSynTxConnectErr
DSSNotMatching DSSCorruptionFallback DSSCorruptionReset InfiniteMapTx InfiniteMapRx
DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue OFOMerge NoDSSInWindow DuplicateData AddAddr
AddAddrTx AddAddrTxDrop EchoAdd EchoAddTx EchoAddTxDrop PortAdd AddAddrDrop MPJoinPortSynRx
MPJoinPortSynAckRx MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop
RmAddrTx RmAddrTxDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx
MPFastcloseRx MPRstTx MPRstRx SubflowStale SubflowRecover SndWndShared RcvWndShared
RcvWndConflictUpdate RcvWndConflict MPCurrEstab Blackhole MPCapableDataFallback MD5SigFallback
DssFallback SimultConnectFallback FallbackFailed WinProbe
`);

const IP = list(`
Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos
InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs
ReasmFails FragOKs FragFails FragCreates OutTransmits
`);

const ICMP = list(`
InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects
InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors
OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs
OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps
`);

const TCP = list(`
RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab
InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
`);

const UDP = list(`InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors`);

const IP6 = list(`
InReceives InHdrErrors InTooBigErrors InNoRoutes InAddrErrors InUnknownProtos InTruncatedPkts
InDiscards InDelivers OutForwDatagrams OutRequests OutDiscards OutNoRoutes ReasmTimeout
ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates InMcastPkts OutMcastPkts InOctets
OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InNoECTPkts InECT1Pkts
InECT0Pkts InCEPkts OutTransmits
`);

const ICMP6 = list(`
InMsgs InErrors OutMsgs OutErrors InCsumErrors OutRateLimitHost InDestUnreachs InPktTooBigs
InTimeExcds InParmProblems InEchos InEchoReplies InGroupMembQueries InGroupMembResponses
InGroupMembReductions InRouterSolicits InRouterAdvertisements InNeighborSolicits
InNeighborAdvertisements InRedirects InMLDv2Reports OutDestUnreachs OutPktTooBigs
OutTimeExcds OutParmProblems OutEchos OutEchoReplies OutGroupMembQueries OutGroupMembResponses
OutGroupMembReductions OutRouterSolicits OutRouterAdvertisements OutNeighborSolicits
OutNeighborAdvertisements OutRedirects OutMLDv2Reports
`);

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
/** Per-type ICMP counters are printed for the types seen; the ones defined in use are listed. */
const ICMP_TYPES = range(0, 18);
const ICMP6_TYPES = [...range(1, 4), ...range(128, 161)];
const inOut = (types: number[]): string[] => types.flatMap((t) => [`InType${t}`, `OutType${t}`]);

/** Every field known to appear, by protocol. */
export const NETSTAT_KNOWN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  TcpExt: TCP_EXT,
  IpExt: IP_EXT,
  MPTcpExt: MPTCP_EXT,
  Ip: IP,
  Icmp: ICMP,
  IcmpMsg: inOut(ICMP_TYPES),
  Tcp: TCP,
  Udp: UDP,
  UdpLite: UDP,
  Ip6: IP6,
  Icmp6: [...ICMP6, ...inOut(ICMP6_TYPES)],
  Udp6: UDP,
  UdpLite6: UDP,
};

/** node_exporter's default `--collector.netstat.fields`. */
export const NETSTAT_DEFAULT_FIELDS =
  '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$';

/** Protocols whose every (non per-type) field is declared. */
const DECLARED_PROTOCOLS = new Set(['Ip', 'IpExt', 'Tcp', 'Udp', 'Udp6']);
const DECLARED_TCP_EXT =
  /^(PruneCalled|RcvPruned|OfoPruned|TW|TWKilled|DelayedACKs|DelayedACKLost|TCPLostRetransmit|TCPFastRetrans|TCPSlowStartRetrans|TCPLossProbes|TCPLossProbeRecovery|TCPRetransFail|TCPAbortOnData|TCPAbortOnClose|TCPAbortOnMemory|TCPAbortOnTimeout|TCPAbortOnLinger|TCPAbortFailed|TCPMemoryPressures|TCPBacklogDrop|TCPRcvQDrop|TCPZeroWindowDrop|TCPOFOQueue|TCPOFODrop|TCPReqQFullDrop|TCPReqQFullDoCookies|TCPTimeWaitOverflow|TCPSpuriousRTOs|TCPRcvCollapsed|TCPOrigDataSent|TCPDelivered|TCPKeepAlive|PAWSEstab|TCPChallengeACK|TCPSYNChallenge|TCPAutoCorking|TCPWqueueTooBig|TCPMigrateReqFailure|TCPFastOpenActiveFail|TCPFastOpenPassiveFail|TCPFastOpenListenOverflow)$/;

/** The `<Proto>_<Field>` keys the netstat collector declares a family for. */
export const NETSTAT_DECLARED: readonly string[] = Object.entries(NETSTAT_KNOWN_FIELDS).flatMap(([proto, fields]) =>
  fields
    .filter((f) => new RegExp(NETSTAT_DEFAULT_FIELDS).test(`${proto}_${f}`) || (DECLARED_PROTOCOLS.has(proto) && !/^(In|Out)Type\d+$/.test(f)) || (proto === 'TcpExt' && DECLARED_TCP_EXT.test(f)))
    .map((f) => `${proto}_${f}`),
);
