/**
 * In-process vendor simulator for demos, tests and benchmarks.
 *
 * <p>{@link io.orgsync.simulator.VendorSimulator#start(SimulatorConfig)} generates one school
 * (served by WeCom school and Wuhan Education Cloud) and one company (served by WeCom contacts and
 * Feishu) from a seed, and serves them on {@code http://127.0.0.1:PORT} with each vendor's own
 * paths, envelopes, error codes, token rules and paging. {@link io.orgsync.simulator.SchoolOrg}
 * and {@link io.orgsync.simulator.CompanyOrg} are the ground truth a client's output is compared
 * with; every record carries the ids of each vendor that serves it.
 * {@link io.orgsync.simulator.FaultInjector} switches vendor misbehaviour on and off while clients
 * run.
 *
 * <p>The organisation can change between runs: {@link io.orgsync.simulator.SchoolOrg#change()}
 * and {@link io.orgsync.simulator.CompanyOrg#change()} add, rename, move, delete and revive
 * departments and people, and every vendor serving that organisation answers the change alike.
 * {@link io.orgsync.simulator.VendorSimulator#snapshot()} and
 * {@link io.orgsync.simulator.VendorSimulator#changesSince} tell what a sync of each source should
 * then report ({@link io.orgsync.simulator.OrgDiff}), worked out from the simulator's own ground
 * truth.
 */
package io.orgsync.simulator;
