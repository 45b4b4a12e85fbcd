package io.orgsync.simulator;

/**
 * One vendor application the simulator impersonates. WeCom corporate contacts and WeCom school
 * share host and error codes but are separate apps with separate secrets, tokens and rate-limit
 * windows, so faults can target them separately.
 */
public enum Vendor {
    WECOM, WECOM_SCHOOL, FEISHU, WUHAN
}
