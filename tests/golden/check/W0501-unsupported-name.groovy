pipeline {
    agent {
        docker 'alpine:3.19'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
