pipeline {
    agent any
    environment {
        FOO="bar"
        BAZ = 'qux'
        CREDS=credentials('my-creds')
        JOINED = "${FOO}" +
            '-suffix'
        NUMBER   =   42
    }
    stages {
        stage('env') {
            environment { INNER = "${BAZ}-inner" }
            steps {
                sh 'env | sort'
            }
        }
    }
}
