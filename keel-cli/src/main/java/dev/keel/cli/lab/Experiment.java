package dev.keel.cli.lab;

/** One lab experiment: trains what it needs on the lab's data and returns its report. */
interface Experiment {
    String name();

    Report run(Lab lab) throws Exception;
}
