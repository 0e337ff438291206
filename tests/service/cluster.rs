//! A three-node JetStream cluster on loopback, every stream with three replicas through
//! `[streams.*] replicas = 3`: pages keep flowing while the leader of the raw stream, then the
//! leader of the article stream, is SIGKILLed and started again; nothing is lost, doubled or
//! dead-lettered.

use std::time::Duration;

use async_nats::jetstream;

use crate::faults::SERIAL;
use crate::harness::{
    self, config, eventually, publish_pages, report, stream_count, tally, urls, wait_for_outputs,
    wait_ready, Akhbar, NatsCluster, CLEAN_STREAM, DLQ_STREAM, RAW_STREAM,
};

const REPLICAS_3: &str =
    "[streams.raw]\nreplicas = 3\n[streams.clean]\nreplicas = 3\n[streams.dlq]\nreplicas = 3\n";

/// The stream's leader once it has one and every replica is current.
async fn healthy_leader(js: &jetstream::Context, stream: &str) -> Option<String> {
    let mut s = js.get_stream(stream).await.ok()?;
    let info = s.info().await.ok()?;
    let cluster = info.cluster.as_ref()?;
    let all_current =
        cluster.replicas.len() == 2 && cluster.replicas.iter().all(|p| p.current && !p.offline);
    all_current.then(|| cluster.leader.clone()).flatten()
}

/// Waits (up to a minute) until `stream` has a leader and all replicas current; returns it.
async fn wait_healthy(js: &jetstream::Context, stream: &str, cluster: &NatsCluster) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(leader) = healthy_leader(js, stream).await {
            return leader;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{stream} never became healthy\n{}",
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_leaders_sigkilled_in_a_three_node_cluster_lose_double_and_dead_letter_nothing() {
    let _serial = SERIAL.lock().await;
    let mut cluster = NatsCluster::start();
    let akhbar = Akhbar::start(&config(&cluster.urls(), REPLICAS_3));
    assert!(
        wait_ready(&akhbar, Duration::from_secs(60)).await,
        "akhbar not ready on the cluster\n{}",
        cluster.logs()
    );
    let js = jetstream::new(harness::connect(&cluster.urls()).await);
    for stream in [RAW_STREAM, CLEAN_STREAM, DLQ_STREAM] {
        let mut s = js
            .get_stream(stream)
            .await
            .expect("stream created by akhbar");
        let info = s.info().await.expect("stream info");
        assert_eq!(info.config.num_replicas, 3, "{stream}");
        wait_healthy(&js, stream, &cluster).await;
    }

    const N: u64 = 600;
    let publisher = {
        let js = js.clone();
        tokio::spawn(async move { publish_pages(&js, 0..N).await })
    };
    let mut killed = Vec::new();
    for (stream, after) in [(RAW_STREAM, 100), (CLEAN_STREAM, 250)] {
        assert!(
            eventually(Duration::from_secs(120), || async {
                stream_count(&js, CLEAN_STREAM).await >= after
            })
            .await,
            "fewer than {after} articles before killing the leader of {stream}"
        );
        let leader = wait_healthy(&js, stream, &cluster).await;
        cluster.node(&leader).kill();
        eprintln!("leader {leader} of {stream} SIGKILLed");
        let moved = eventually(Duration::from_secs(60), || async {
            let mut s = match js.get_stream(stream).await {
                Ok(s) => s,
                Err(_) => return false,
            };
            s.info()
                .await
                .ok()
                .and_then(|i| i.cluster.as_ref().and_then(|c| c.leader.clone()))
                .is_some_and(|l| l != leader)
        })
        .await;
        assert!(moved, "{stream} elected no new leader\n{}", cluster.logs());
        tokio::time::sleep(Duration::from_secs(2)).await;
        cluster.restart(&leader);
        eprintln!("{leader} started again");
        wait_healthy(&js, stream, &cluster).await;
        killed.push(leader);
    }
    publisher.await.expect("publisher");
    let got = wait_for_outputs(&js, N, Duration::from_secs(180)).await;
    eprintln!("outputs: {got}; leaders killed: {killed:?}");
    let t = tally(&js).await;
    report("cluster_leaders_killed", N, &t, &urls(0..N));
    let lost = t.lost(&urls(0..N));
    assert!(
        lost.is_empty(),
        "{} pages lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert_eq!(t.duplicated(), 0, "duplicated article events");
    assert_eq!(t.unique_ids, N, "unique article ids");
    assert!(t.dlq.is_empty(), "dead letters: {:?}", t.dlq);
}
