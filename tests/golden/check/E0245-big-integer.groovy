pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                sleep 99999999999999999999
            }
        }
    }
}
