package io.shortcutlens.lake;

/**
 * Where a run's parts lie in its folder (an explain run, and what the audit, scan, evaluation and correction write into
 * or beside it): every job asks this for its paths, so each name is written once.
 */
public record RunFolder(String root) {
    public RunFolder {
        while (root.length() > 1 && root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
    }

    public static RunFolder of(String path) {
        return new RunFolder(path);
    }

    public static RunFolder of(java.io.File dir) {
        return new RunFolder(dir.getPath());
    }

    private String at(String name) {
        return root + "/" + name;
    }

    /** The run's manifest (any folder a job writes has one). */
    public String manifest() {
        return at("manifest.json");
    }

    public String explanations() {
        return at("explanations");
    }

    public String classStats() {
        return at("class_stats");
    }

    public String subgroups() {
        return at("subgroups");
    }

    public String subgroupMembers() {
        return at("subgroup_members");
    }

    public String findings() {
        return at("findings");
    }

    /** What changed since an earlier audit ({@code --compare-to}). */
    public String findingsDiff() {
        return at("findings_diff");
    }

    public String auditSummary() {
        return at("audit-summary.json");
    }

    public String report() {
        return at("report/index.html");
    }

    public String boxScores() {
        return at("box_scores");
    }

    public String boxAgreement() {
        return at("box_agreement");
    }

    /** The scan's default output folder. */
    public String scan() {
        return at("scan");
    }

    /** The evaluation's default output folder, in a run's folder. */
    public String evaluation() {
        return at("evaluation");
    }

    /** The evaluation table, in an evaluation's folder. */
    public String evaluationTable() {
        return at("evaluation");
    }

    /** The images a finding's region decides, in a scan's or a correction's folder. */
    public String affectedImages() {
        return at("affected_images");
    }

    /** In an embedding's folder: the embeddings, its t-SNE points and its manifest. */
    public String embeddings() {
        return at("embeddings");
    }

    public String tsne() {
        return at("tsne");
    }

    public String embedManifest() {
        return at("embed-manifest.json");
    }
}
