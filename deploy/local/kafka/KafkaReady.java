// Readiness probe for the local Kafka broker, run by deploy/local/kafka.sh with Java's
// single-file source launcher (no build step):
//   java -cp <kafka class path> KafkaReady.java <bootstrap> <timeout-seconds> [<broker pid>]
// Polls with an AdminClient until the broker answers a metadata request (describeCluster and
// listTopics both succeed). Exit codes: 0 ready, 1 timed out, 2 the broker process died.
// One JVM polls in a loop because starting a JVM per attempt costs seconds on a 2-core machine.
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

public class KafkaReady {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        Long pid = args.length > 2 ? Long.valueOf(args[2]) : null;

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        String last = "no answer yet";
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (pid != null && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                    System.err.println("KafkaReady: broker process " + pid + " is gone");
                    System.exit(2);
                }
                try {
                    int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    int topics = admin.listTopics().names().get(5, TimeUnit.SECONDS).size();
                    System.err.println("KafkaReady: " + bootstrap + " answers (" + nodes
                            + " broker(s), " + topics + " topic(s))");
                    admin.close(Duration.ofSeconds(1));
                    System.exit(0);
                } catch (Exception e) {
                    last = String.valueOf(e.getCause() != null ? e.getCause() : e);
                    Thread.sleep(500);
                }
            }
        }
        System.err.println("KafkaReady: timed out waiting for " + bootstrap + ": " + last);
        System.exit(1);
    }
}
