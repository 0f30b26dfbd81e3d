/**
 * `inferstack explain CODE`: what a diagnostic means, when it fires and how to fix it. The message comes from
 * the registry's template; `when` and `fix` from here (codes without an entry get their range's explanation).
 */
import { allDefinitions, DiagnosticDefinition } from './registry';

export interface Explanation {
  readonly when: string;
  readonly fix: string;
}

export const EXPLANATIONS: Readonly<Record<string, Explanation>> = {
  IS1001: { when: 'the file is not well-formed YAML (an unclosed quote or bracket, a tab in the indentation, a key without a colon).', fix: 'fix the YAML at the reported position; an editor with the schema comment shows the error as you type.' },
  IS1002: { when: 'a key holds the wrong kind of value, e.g. a list where a mapping is expected, or text where a number is expected.', fix: 'write the kind of value named under "allowed". A key that is indented too little or too much often shows up as this error on its parent.' },
  IS1003: { when: 'a key is not part of the spec format at that place: a typo, or a key indented under the wrong parent.', fix: 'use the suggested key, or move the key to the parent it belongs to; see the spec reference in the README.' },
  IS1004: { when: 'a key the format requires at that place is absent.', fix: 'add the key; `inferstack init` writes a starter spec with every required key.' },
  IS1005: { when: 'a value is not one of the fixed choices of its key.', fix: 'use one of the values listed under "allowed".' },
  IS1006: { when: 'a duration, size or count is written with a unit inferstack does not know, or without one.', fix: 'durations: 50ms, 90s, 15m, 1h; sizes: binary units 512Mi, 16Gi; counts: a whole number, or K/M/B suffixes where the key allows them.' },
  IS1007: { when: 'a text value does not follow the format of its key (a name, an id, a URI).', fix: 'rewrite the value as described under "allowed".' },
  IS1008: { when: 'a number is below the minimum or above the maximum of its key, or is not a finite number (.inf, .nan).', fix: 'use a value within the range under "allowed".' },
  IS1010: { when: 'the same key appears twice in one mapping; YAML would silently keep only one of them.', fix: 'remove or rename one of the entries.' },
  IS1015: { when: 'the spec cannot be read: it does not exist, is a directory, a device or a pipe, or leaves the working tree through a link.', fix: 'pass the path of a regular .yaml file inside your project.' },
  IS1016: { when: 'the spec file has no content.', fix: 'run `inferstack init` to write a commented starter spec.' },
  IS1017: { when: 'the file holds several YAML documents separated by "---".', fix: 'put each spec in its own file; one spec can hold many deployments.' },
  IS1101: { when: '`synth --out DIR` was pointed at a folder that holds files and no manifest of an earlier synthesis, so inferstack cannot tell its own files from yours.', fix: 'choose an empty or new folder, or add --force: synth then writes next to the existing files and never removes them.' },
  IS1102: { when: 'a file or folder synth would write is a symbolic link; writing through it could change files outside the output folder.', fix: 'remove the link, or choose another --out.' },
  IS1103: { when: 'the --out path exists and is a file.', fix: 'choose a folder path.' },
  IS1104: { when: 'a number is .inf, .nan or too large for a double (1e400); in JSON it would silently become null.', fix: 'write a finite number, or quote the value if it is text.' },
  IS1105: { when: 'a value carries a YAML tag such as !Ref, !Sub or !!js/function; inferstack specs are plain YAML and generate the CloudFormation themselves.', fix: 'remove the tag and write the value.' },
  IS1106: { when: 'a key is __proto__, constructor or prototype, which JavaScript objects treat specially.', fix: 'rename the key.' },
  IS1107: { when: 'the spec path is a pipe, a device, a socket or a file under /proc, /sys or /dev.', fix: 'pass the path of a regular .yaml file.' },
  IS1108: { when: 'the spec is a symbolic link to a file outside the working folder.', fix: 'copy the spec into the project, or pass its real path.' },
  IS2005: { when: 'model.uri has a scheme the target cannot read (s3:// on Alibaba, oss:// on AWS).', fix: 'give model.uri per target: { aws: "s3://...", alibaba: "oss://..." }.' },
  IS2007: { when: 'engine custom (or a custom pipeline step) has no container image for the target.', fix: 'set container.image, once or per target.' },
  IS2013: { when: 'acceleration.tensorParallel asks for more accelerators than the instance has.', fix: 'lower tensorParallel, or use auto (all accelerators of the instance).' },
  IS2019: { when: 'an LLM engine (vllm, tgi, lmi, ...) was chosen for a model whose task is not text-generation.', fix: 'set model.task: text-generation, or use engine framework, triton or custom.' },
  IS2020: { when: 'model.format cannot be loaded by the chosen engine (e.g. onnx on vLLM).', fix: 'use engine auto, or export the model in a format the engine reads.' },
  IS2021: { when: 'FP8 quantization or an FP8 KV cache was asked for on a GPU without FP8 support (T4, A10G, A100).', fix: 'use L4, L40S or H100, or another quantization (awq, int8).' },
  IS2023: { when: 'the accelerator is not offered by any instance type of that target.', fix: 'use an equivalent accelerator of the target, or a per-target resources.instanceType.' },
  IS2027: { when: 'mode async has no async.output location for results.', fix: 'set async.output: "s3://bucket/prefix/".' },
  IS2028: { when: 'mode serverless has no serverless block (memory, maxConcurrency).', fix: 'add serverless: { memory: 4Gi, maxConcurrency: 10 }.' },
  IS2401: { when: 'resources.accelerator names a device kind the chosen engine does not run on (e.g. a CPU/NVIDIA engine on Inferentia).', fix: 'choose an accelerator of a kind the engine runs on, or another engine.' },
  IS2402: { when: 'a schedule cron has a value outside its field\'s range (hour 25, month 13) or a step of 0 (*/0).', fix: 'use minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-7, and steps of at least 1.' },
  IS2403: { when: 'the deployment name is used as the SageMaker endpoint name but is not a valid one (e.g. it ends with a hyphen).', fix: 'rename the deployment, or set targets.aws.endpointName.' },
  IS3001: { when: 'a serverless SageMaker endpoint was asked for with an accelerator; serverless endpoints run on CPU only.', fix: 'remove resources.accelerator (or use cpu), or use mode realtime.' },
  IS4002: { when: 'the PAI-EAS service name (the deployment name with "_" for "-", or targets.alibaba.serviceName) is not valid on PAI-EAS.', fix: 'set targets.alibaba.serviceName, or rename the deployment (at least 3 characters).' },
  IS4005: { when: 'BladeLLM was chosen but the instance has less GPU memory than 1.7x the weights.', fix: 'use a larger GPU, or engine vllm.' },
  IS2001: { when: 'the spec has an empty `deployments` mapping.', fix: 'add at least one deployment; `inferstack init` writes one.' },
  IS2002: { when: 'a deployment has no `targets` (and none in `defaults.targets`), so it would go nowhere.', fix: 'add `targets: { aws: {} }` and/or `alibaba: {}` to the deployment or to defaults.' },
  IS2003: { when: 'a target is named but no region is set for it.', fix: 'set `targets.<target>.region`, or `defaults.targets.<target>.region`.' },
  IS2004: { when: 'model.uri gives no location that the named target can read.', fix: 'give model.uri per target: { aws: "s3://...", alibaba: "oss://..." }.' },
  IS2006: { when: 'a generative model has no parameter count, so its memory cannot be sized.', fix: 'set model.parameters, e.g. 7.6B.' },
  IS2008: { when: 'resources.accelerator is not in the accelerator catalog.', fix: 'use a catalog name such as nvidia-a10g, nvidia-l4 or aws-inferentia2, or cpu, or auto.' },
  IS2009: { when: 'resources.instanceType names an instance type the catalog does not know for that target.', fix: 'check the spelling, or remove instanceType and let inferstack choose from resources.accelerator.' },
  IS2010: { when: 'the weights plus the KV cache need more accelerator memory than the chosen instance has.', fix: 'raise resources.count, choose a larger accelerator, lower llm.maxContextLength or llm.maxConcurrentSequences, or quantize.' },
  IS2011: { when: 'with resources.accelerator auto (or a count), no instance type of the target has enough accelerator memory for the model.', fix: 'quantize (acceleration.quantization), lower llm.maxContextLength / maxConcurrentSequences, or use tensor parallelism across more accelerators.' },
  IS2012: { when: 'the model architecture (layers, KV heads, head size) is unknown, so the KV cache is not counted in the memory estimate.', fix: 'set model.architecture, or use a family and size inferstack knows (plan shows the estimate).' },
  IS2015: { when: 'scaling.min is greater than scaling.max.', fix: 'make min <= max.' },
  IS2016: { when: 'a setting has no effect on one target; the other targets still use it.', fix: 'remove it, or move it under the target it applies to; the warning does not stop synthesis.' },
  IS2017: { when: 'a target cannot honour a setting, so deploying there would silently drop it.', fix: 'remove the setting, or the target from the deployment.' },
  IS2018: { when: 'the chosen engine does not exist on that target.', fix: 'use engine: auto, or an engine the target offers.' },
  IS2022: { when: 'a GPU serving engine was chosen for an instance without accelerators.', fix: 'choose a GPU accelerator, or an engine that runs on CPU (framework, custom).' },
  IS2025: { when: 'a schedule cron is not five fields (minute hour day-of-month month day-of-week) with values in range.', fix: 'write e.g. "0 8 * * 1-5"; steps must be at least 1 (*/5, not */0).' },
  IS2026: { when: 'a schedule time zone is not an IANA time zone name.', fix: 'write e.g. Asia/Shanghai or UTC.' },
  IS2030: { when: 'resources.count asks for a number of accelerators no instance type of that accelerator offers, or accelerators for an engine that runs without them.', fix: 'use one of the offered counts, or remove resources.count.' },
  IS2036: { when: 'model.parameters is not a plausible parameter count (e.g. 16k where 16 billion was meant).', fix: 'write the count with its suffix: 7.6B, 350M.' },
  IS5001: { when: 'deploy-eas found no Alibaba Cloud credentials in the default credential chain. Even --dry-run reads what runs on PAI-EAS, so it needs them too.', fix: 'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile with `aliyun configure`.' },
  IS5006: { when: 'deploy-eas has changes to apply but no terminal to ask on, and --yes was not given.', fix: 'review the plan, then run again with --yes.' },
  IS5116: { when: 'deploy-eas read the nodes of the dedicated resource group (ListResourceInstances) and no node has the CPU, memory and GPUs one new instance requests free: the instance would stay Pending.', fix: 'add a node to the resource group, free one by scaling another service down, or lower resources.cpu / resources.memory (the requests on a dedicated group).' },
  IS5117: { when: 'an update rolls the instances of a service on a dedicated resource group, and no node has room for the extra (surge) instance: PAI-EAS then stops an old instance first (rolling_strategy.max_unavailable 1), so the service runs one instance short during the update, and a service of one instance is down until its replacement is ready.', fix: 'add a node or leave one instance\'s room free in the group, run two or more instances, or lower resources.cpu / resources.memory so that a surge instance fits.' },
  IS5118: { when: 'deploy-eas could not list the nodes of the dedicated resource group (ListResourceInstances), e.g. the credentials lack eas:ListResourceInstances, or a node reports a CPU or memory total that is no number or size, so it cannot tell whether the group has room for a surge instance.', fix: 'allow eas:ListResourceInstances on the group; until then updates there keep their surge strategy, and one that finds no room stalls until the timeout while the old version keeps serving.' },
  IS5115: { when: 'a qps or invocations scaling target is below one thousandth of a query per second per instance; PAI-EAS takes decimal QPS thresholds in thousandths (its qps1k field), so it would be 0.', fix: 'raise scaling.target, or scale on another metric.' },
  IS6002: { when: '`diff --against DIR` cannot read a synthesis in DIR.', fix: 'write it first: inferstack synth SPEC --target all --out DIR.' },
};

const RANGES: ReadonlyArray<{ readonly prefix: string; readonly explanation: Explanation }> = [
  { prefix: 'IS1', explanation: { when: 'the spec file or its structure does not match the spec format (checked before anything else).', fix: 'follow "allowed" and "fix" in the message; the spec reference in the README lists every key.' } },
  { prefix: 'IS2', explanation: { when: 'the spec is well-formed but its settings do not make sense together for a target.', fix: 'follow "allowed" and "fix" in the message; `inferstack plan` shows what inferstack chose and why.' } },
  { prefix: 'IS3', explanation: { when: 'the deployment asks for something SageMaker cannot do (checked for deployments that target aws).', fix: 'change the setting as the message says, or deploy that deployment to alibaba only.' } },
  { prefix: 'IS4', explanation: { when: 'the deployment asks for something PAI-EAS cannot do (checked for deployments that target alibaba).', fix: 'change the setting as the message says, or deploy that deployment to aws only.' } },
  { prefix: 'IS5', explanation: { when: 'deploy-eas could not plan or apply a change on PAI-EAS.', fix: 'follow the "fix" line of the message; the run changed nothing it did not report.' } },
  { prefix: 'IS6', explanation: { when: '`inferstack diff` could not compare the syntheses.', fix: 'follow the "fix" line of the message.' } },
];

export interface ExplainResult {
  readonly code: string;
  readonly severity: DiagnosticDefinition['severity'];
  /** The message template with its placeholders shown as <name>. */
  readonly message: string;
  readonly when: string;
  readonly fix: string;
}

/** The explanation of one code, or undefined for a code the registry does not have. */
export function explain(code: string): ExplainResult | undefined {
  const wanted = code.trim().toUpperCase();
  const definition = allDefinitions().find((d) => d.code === wanted);
  if (!definition) return undefined;
  const explanation = EXPLANATIONS[wanted] ?? RANGES.find((r) => wanted.startsWith(r.prefix))?.explanation ?? { when: 'see the message.', fix: 'follow the "fix" line of the message.' };
  return { code: definition.code, severity: definition.severity, message: definition.template.replace(/\{(\w+)\}/g, '<$1>'), ...explanation };
}
